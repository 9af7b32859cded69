//go:build !(js && wasm)

package main

import "os"

// On the host there is nothing to run: the engine's tests cover engine.go.
func main() {
	os.Stderr.WriteString("vaewasm runs in a browser: GOOS=js GOARCH=wasm go build -o vae.wasm ./wasmdemo/cmd/vaewasm\n")
	os.Exit(2)
}
