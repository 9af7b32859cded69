//go:build js && wasm

// Command vaewasm is the VAE demos' engine in the browser: it puts kogiVAE on
// globalThis, a handful of functions that static/assets/demos/demos.js calls.
// All the arithmetic is the vae package's, the same code gen runs natively.
// Pictures cross to JavaScript as one bulk copy each (js.CopyBytesToJS), never
// pixel by pixel, and the calls made every frame allocate nothing here.
//
// Errors come back as strings (a call returns the message instead of
// undefined or a handle): demos.js shows them in the widget. A panic inside a
// call is turned into such a string too, so one bad call does not stop the Go
// program under every widget of the page.
package main

import (
	"syscall/js"
)

var (
	eng   = newEngine()
	funcs []js.Func
	done  = make(chan struct{})
)

func main() {
	api := js.Global().Get("Object").New()
	export := func(name string, fn func(args []js.Value) any) {
		f := js.FuncOf(func(_ js.Value, args []js.Value) (res any) {
			defer func() {
				if p := recover(); p != nil {
					res = "vaewasm: " + name + ": " + panicText(p)
				}
			}()
			return fn(args)
		})
		funcs = append(funcs, f)
		api.Set(name, f)
	}

	// load(bytes Uint8Array) → handle | error string
	export("load", func(a []js.Value) any {
		h, err := eng.load(bytesOf(a[0]))
		if err != nil {
			return err.Error()
		}
		return h
	})
	// loadMap(bytes Uint8Array) → handle | error string
	export("loadMap", func(a []js.Value) any {
		h, err := eng.loadMap(bytesOf(a[0]))
		if err != nil {
			return err.Error()
		}
		return h
	})
	// latent(model) → latent size
	export("latent", func(a []js.Value) any {
		r, err := eng.runner(a[0].Int())
		if err != nil {
			return err.Error()
		}
		return r.Model().Latent
	})
	// mapData(map) → Uint8Array: n float32 x, n float32 y, n labels
	export("mapData", func(a []js.Value) any {
		b, err := eng.mapBytes(a[0].Int())
		if err != nil {
			return err.Error()
		}
		u := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(u, b)
		return u
	})
	// setInk(r, g, b): the colour digits are drawn in (the theme's text colour)
	export("setInk", func(a []js.Value) any {
		eng.ink = [3]byte{byte(a[0].Int()), byte(a[1].Int()), byte(a[2].Int())}
		return nil
	})
	// decode(model, x, y, dst Uint8ClampedArray 28·28·4): one digit per frame
	export("decode", func(a []js.Value) any {
		b, err := eng.decode(a[0].Int(), float32(a[1].Float()), float32(a[2].Float()))
		return copyOut(a[3], b, err)
	})
	// grid(model, n, x0, x1, y0, y1, dst (28n)²·4): the n×n manifold
	export("grid", func(a []js.Value) any {
		b, err := eng.gridImage(a[0].Int(), a[1].Int(), f32(a[2]), f32(a[3]), f32(a[4]), f32(a[5]))
		return copyOut(a[6], b, err)
	})
	// interp(model, ax, ay, bx, by, n, dst 28n·28·4): n digits from a to b
	export("interp", func(a []js.Value) any {
		b, err := eng.interp(a[0].Int(), f32(a[1]), f32(a[2]), f32(a[3]), f32(a[4]), a[5].Int())
		return copyOut(a[6], b, err)
	})
	// draw(model2, model16 | -1, src Uint8ClampedArray w·h·4, w, h, dst 3·3136+8)
	//   → true, false for an empty canvas, or an error string
	export("draw", func(a []js.Value) any {
		w, h := a[3].Int(), a[4].Int()
		buf, err := eng.canvasBuf(w, h)
		if err != nil {
			return err.Error()
		}
		if n := a[2].Get("length").Int(); n != len(buf) {
			return "vaewasm: draw: canvas data has " + itoa(n) + " bytes, want " + itoa(len(buf))
		}
		js.CopyBytesToGo(buf, a[2])
		ok, err := eng.drawn(a[0].Int(), a[1].Int(), w, h)
		if err != nil {
			return err.Error()
		}
		if s := copyOut(a[5], eng.draw, nil); s != nil {
			return s
		}
		return ok
	})
	// decodeF32(model, z Uint8Array of float32, dst Uint8Array 784·4): exact
	// outputs, for tests
	export("decodeF32", func(a []js.Value) any {
		b, err := eng.decodeF32(a[0].Int(), bytesOf(a[1]))
		return copyOut(a[2], b, err)
	})
	// encodeF32(model, x Uint8Array 784·4, dst Uint8Array 8·latent): μ, log σ²
	export("encodeF32", func(a []js.Value) any {
		b, err := eng.encodeF32(a[0].Int(), bytesOf(a[1]))
		return copyOut(a[2], b, err)
	})
	// release(): frees every function and ends the Go program; demos.js calls
	// it when the page is unloaded for good (pagehide, not kept in the
	// back/forward cache).
	export("release", func([]js.Value) any {
		js.Global().Delete("kogiVAE")
		for _, f := range funcs {
			f.Release() // allowed while this very function runs
		}
		funcs = nil
		close(done)
		return nil
	})

	js.Global().Set("kogiVAE", api)
	<-done
}

// bytesOf copies a Uint8Array into Go in one call.
func bytesOf(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// copyOut copies b into the typed array dst, which must be exactly as long,
// and returns nil or the error text.
func copyOut(dst js.Value, b []byte, err error) any {
	if err != nil {
		return err.Error()
	}
	if n := dst.Get("length").Int(); n != len(b) {
		return "vaewasm: output array has " + itoa(n) + " bytes, want " + itoa(len(b))
	}
	js.CopyBytesToJS(dst, b)
	return nil
}

func f32(v js.Value) float32 { return float32(v.Float()) }

func panicText(p any) string {
	switch v := p.(type) {
	case error:
		return v.Error()
	case string:
		return v
	}
	return "panic"
}
