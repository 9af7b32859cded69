package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"math"
	"regexp"
	"strings"
)

// A gallery shows what gpuruntime precomputed for a lecture: a sample grid,
// the forward and reverse animations, and a frame strip the reader scrubs
// through. Its files and manifest.json live in /gallery/<name>/ (committed
// under static/gallery/; `make gallery` rewrites them).

// Gallery scripts and styles, linked only on pages with a gallery.
const (
	GalleryCSSPath = "/assets/gallery.css"
	GalleryJSPath  = "/assets/gallery.js"
)

// GalleryFiles are the files every gallery must list.
var GalleryFiles = []string{"samples.png", "forward.gif", "reverse.gif", "strip.png"}

// GalleryFile is one file's entry in the manifest.
type GalleryFile struct {
	SHA256      string `json:"sha256"`
	Bytes       int64  `json:"bytes"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Frames      int    `json:"frames"`
	FrameWidth  int    `json:"frame_width"`
	FrameHeight int    `json:"frame_height"`
	T           []int  `json:"t"`
}

// Manifest is gpuruntime's manifest.json, as much as the page shows.
type Manifest struct {
	Model       string  `json:"model"`
	Recipe      string  `json:"recipe"`
	Params      int     `json:"params"`
	Preset      string  `json:"preset"`
	Steps       int     `json:"steps"`
	Seconds     float64 `json:"seconds"`
	Backend     string  `json:"backend"`
	Device      string  `json:"device"`
	StepsPerS   float64 `json:"steps_per_s"`
	ImagesPerS  float64 `json:"images_per_s"`
	SampleSteps int     `json:"sample_steps"`
	Seed        int64   `json:"seed"`
	GitCommit   string  `json:"git_commit"`
	Judge       struct {
		ConfidentShare float64 `json:"confident_share"`
		ClassEntropy   float64 `json:"class_entropy"`
		Samples        int     `json:"samples"`
	} `json:"judge"`
	Files map[string]GalleryFile `json:"files"`
}

// Gallery is a checked gallery, ready to render.
type Gallery struct {
	Name     string
	Manifest Manifest
}

var galleryName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// GalleryDir is the site folder of a gallery.
func GalleryDir(name string) string { return "/gallery/" + name + "/" }

// LoadGallery reads a gallery's manifest and checks that every file it needs
// is there with the size and SHA-256 the manifest records. Errors start with
// the manifest's site path.
func LoadGallery(name string, read ReadFunc) (*Gallery, error) {
	if !galleryName.MatchString(name) {
		return nil, fmt.Errorf("gallery name %q: use lower-case letters, digits and -", name)
	}
	dir := GalleryDir(name)
	mpath := dir + "manifest.json"
	raw, err := read(mpath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is missing (make gallery writes it)", mpath)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", mpath, err)
	}
	g := &Gallery{Name: name}
	if err := json.Unmarshal(raw, &g.Manifest); err != nil {
		return nil, fmt.Errorf("%s: %w", mpath, err)
	}
	var errs []error
	for _, f := range GalleryFiles {
		e, ok := g.Manifest.Files[f]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: lists no %s", mpath, f))
			continue
		}
		data, err := read(dir + f)
		if errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("%s: %s is missing", mpath, f))
			continue
		} else if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", mpath, f, err))
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, e.SHA256) {
			errs = append(errs, fmt.Errorf("%s: %s does not match its sha256 (file %.12s…, manifest %.12s…): regenerate with make gallery", mpath, f, got, e.SHA256))
		}
		if e.Width <= 0 || e.Height <= 0 {
			errs = append(errs, fmt.Errorf("%s: %s has no width and height", mpath, f))
		}
	}
	if s, ok := g.Manifest.Files["strip.png"]; ok && (s.Frames < 2 || s.FrameWidth <= 0 || s.FrameHeight <= 0 || s.FrameWidth*s.Frames != s.Width || len(s.T) != s.Frames) {
		errs = append(errs, fmt.Errorf("%s: strip.png needs frames ≥ 2, frame_width × frames = width and one t per frame", mpath))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// WriteHTML writes the gallery: the three pictures, the scrubber over the
// frame strip, and where the pictures came from.
func (g *Gallery) WriteHTML(w io.Writer, url func(string) string, caption string) error {
	m := &g.Manifest
	src := func(f string) string { return html.EscapeString(url(GalleryDir(g.Name) + f)) }
	esc := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, "<figure class=\"kogi-gallery\" data-gallery=\"%s\">\n<div class=\"kogi-gallery-row\">\n", esc(g.Name))
	for _, p := range []struct{ file, cap, alt string }{
		{"samples.png", "生成したサンプル 64 枚", "学習したモデルがノイズから生成した手書き数字 64 枚の一覧"},
		{"forward.gif", "拡散過程: テスト画像に少しずつノイズを加える", "本物の手書き数字にノイズが加わり，最後は砂嵐のようになるアニメーション"},
		{"reverse.gif", "逆拡散過程: ノイズから数字を生成する", "ノイズから少しずつ数字の形が現れるアニメーション"},
	} {
		f := m.Files[p.file]
		fmt.Fprintf(&b, "<figure><img src=\"%s\" width=\"%d\" height=\"%d\" alt=\"%s\" loading=\"lazy\" decoding=\"async\"><figcaption>%s</figcaption></figure>\n",
			src(p.file), f.Width, f.Height, esc(p.alt), esc(p.cap))
	}
	b.WriteString("</div>\n")
	s := m.Files["strip.png"]
	fmt.Fprintf(&b, "<div class=\"kogi-scrub\" data-frames=\"%d\" data-t=\"%s\" style=\"--frames:%d;--fw:%d;--fh:%d\">\n",
		s.Frames, esc(joinInts(s.T)), s.Frames, s.FrameWidth, s.FrameHeight)
	fmt.Fprintf(&b, "<div class=\"kogi-scrub-view\" tabindex=\"0\" role=\"group\" aria-label=\"逆拡散過程の各段階 (横にスクロール)\"><img draggable=\"false\" src=\"%s\" width=\"%d\" height=\"%d\" alt=\"逆拡散過程を %d 段階に分けて左から順に並べた画像\" loading=\"lazy\" decoding=\"async\"></div>\n",
		src("strip.png"), s.Width, s.Height, s.Frames)
	fmt.Fprintf(&b, "<label class=\"kogi-scrub-control\" hidden><span>t = <output>%d</output></span> <input type=\"range\" min=\"0\" max=\"%d\" value=\"0\" step=\"1\" aria-label=\"逆拡散の段階\"></label>\n", firstT(s.T), s.Frames-1)
	b.WriteString("</div>\n")
	if caption != "" {
		fmt.Fprintf(&b, "<figcaption>%s</figcaption>\n", esc(caption))
	}
	fmt.Fprintf(&b, "<figcaption class=\"kogi-provenance\">%s</figcaption>\n</figure>\n", esc(g.provenance()))
	_, err := io.WriteString(w, b.String())
	return err
}

// provenance says how the pictures were made, in one line.
func (g *Gallery) provenance() string {
	m := &g.Manifest
	parts := []string{}
	if m.Recipe != "" {
		parts = append(parts, m.Recipe)
	}
	parts = append(parts, fmt.Sprintf("プリセット %s，%d ステップ学習 (%s)", m.Preset, m.Steps, minutes(m.Seconds)))
	dev := m.Backend
	if m.Device != "" {
		dev += "，" + m.Device
	}
	parts = append(parts, dev)
	if m.Judge.Samples > 0 {
		parts = append(parts, fmt.Sprintf("判定器で確信度 0.9 以上: %.1f%% (%d 枚中)", 100*m.Judge.ConfidentShare, m.Judge.Samples))
	}
	if m.GitCommit != "" {
		parts = append(parts, "commit "+shortCommit(m.GitCommit))
	}
	return strings.Join(parts, " / ")
}

func minutes(s float64) string {
	if s < 90 {
		return fmt.Sprintf("%.0f 秒", s)
	}
	return fmt.Sprintf("%.0f 分", math.Round(s/60))
}

func shortCommit(c string) string {
	if len(c) > 7 {
		return c[:7]
	}
	return c
}

func firstT(t []int) int {
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, " ")
}
