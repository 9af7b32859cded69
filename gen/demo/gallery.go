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

// galleryLayout is what one kind of gallery shows: pictures side by side,
// then a scrubber over a strip of frames.
type galleryLayout struct {
	panels     []panel
	strip      string // the frame strip's file
	stripLabel string // what the scrubber's number is ("t = 500")
	stripAlt   string // %d: the number of frames
	stripAria  string
	values     func(GalleryFile) []int // the number shown for each frame
}

type panel struct{ file, caption, alt string }

// files lists every file a gallery of this layout must have.
func (l *galleryLayout) files() []string {
	var fs []string
	for _, p := range l.panels {
		fs = append(fs, p.file)
	}
	return append(fs, l.strip)
}

// galleryLayouts by the manifest's "kind"; a manifest without one is a
// diffusion gallery, the first kind there was.
var galleryLayouts = map[string]*galleryLayout{
	"diffusion": {
		panels: []panel{
			{"samples.png", "生成したサンプル 64 枚", "学習したモデルがノイズから生成した手書き数字 64 枚の一覧"},
			{"forward.gif", "拡散過程: テスト画像に少しずつノイズを加える", "本物の手書き数字にノイズが加わり，最後は砂嵐のようになるアニメーション"},
			{"reverse.gif", "逆拡散過程: ノイズから数字を生成する", "ノイズから少しずつ数字の形が現れるアニメーション"},
		},
		strip: "strip.png", stripLabel: "t",
		stripAlt:  "逆拡散過程を %d 段階に分けて左から順に並べた画像",
		stripAria: "逆拡散過程の各段階 (横にスクロール)",
		values:    func(f GalleryFile) []int { return f.T },
	},
	"cyclegan": {
		panels: []panel{
			{"triplets.png", "各数字の変換: A → G(A) → F(G(A)) と B → F(B) → G(F(B))", "手書き数字を活字体に変換して元に戻した 3 枚組と，活字体を手書き風に変換して戻した 3 枚組を数字ごとに並べた一覧"},
			{"training.gif", "学習が進むにつれて変換が現れる様子", "同じ入力の変換結果を学習の途中経過ごとに並べたアニメーション"},
			{"losses.svg", "損失の推移", "生成器の敵対的損失，サイクル損失，恒等損失，識別器の損失の学習曲線"},
		},
		strip: "training_strip.png", stripLabel: "ステップ",
		stripAlt:  "学習の途中経過 %d 時点の変換結果を左から順に並べた画像",
		stripAria: "学習の途中経過 (横にスクロール)",
		values:    func(f GalleryFile) []int { return f.Steps },
	},
}

// GalleryFile is one file's entry in the manifest.
type GalleryFile struct {
	SHA256      string `json:"sha256"`
	Bytes       int64  `json:"bytes"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Frames      int    `json:"frames"`
	FrameWidth  int    `json:"frame_width"`
	FrameHeight int    `json:"frame_height"`
	T           []int  `json:"t"`     // diffusion strip: the time step of each frame
	Steps       []int  `json:"steps"` // training strip: the training step of each frame
}

// Manifest is gpuruntime's manifest.json, as much as the page shows.
type Manifest struct {
	Kind        string  `json:"kind"` // "diffusion" (also when absent) or "cyclegan"
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
	ContentPreservation *struct {
		AToB            float64 `json:"a_to_b"`
		BToA            float64 `json:"b_to_a"`
		PassthroughAToB float64 `json:"passthrough_a_to_b"`
		PassthroughBToA float64 `json:"passthrough_b_to_a"`
	} `json:"content_preservation"`
	CycleL1 float64                `json:"cycle_l1"`
	Files   map[string]GalleryFile `json:"files"`
}

// Gallery is a checked gallery, ready to render.
type Gallery struct {
	Name     string
	Manifest Manifest
	layout   *galleryLayout
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
	kind := g.Manifest.Kind
	if kind == "" {
		kind = "diffusion"
	}
	if g.layout = galleryLayouts[kind]; g.layout == nil {
		return nil, fmt.Errorf("%s: unknown kind %q (known: cyclegan, diffusion)", mpath, kind)
	}
	var errs []error
	for _, f := range g.layout.files() {
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
	if s, ok := g.Manifest.Files[g.layout.strip]; ok && (s.Frames < 2 || s.FrameWidth <= 0 || s.FrameHeight <= 0 || s.FrameWidth*s.Frames != s.Width || len(g.layout.values(s)) != s.Frames) {
		errs = append(errs, fmt.Errorf("%s: %s needs frames ≥ 2, frame_width × frames = width and a %s for every frame", mpath, g.layout.strip, g.layout.stripLabel))
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
	for _, p := range g.layout.panels {
		f := m.Files[p.file]
		fmt.Fprintf(&b, "<figure><img src=\"%s\" width=\"%d\" height=\"%d\" alt=\"%s\" loading=\"lazy\" decoding=\"async\"><figcaption>%s</figcaption></figure>\n",
			src(p.file), f.Width, f.Height, esc(p.alt), esc(p.caption))
	}
	b.WriteString("</div>\n")
	l := g.layout
	s := m.Files[l.strip]
	vals := l.values(s)
	fmt.Fprintf(&b, "<div class=\"kogi-scrub\" data-frames=\"%d\" data-t=\"%s\" style=\"--frames:%d;--fw:%d;--fh:%d\">\n",
		s.Frames, esc(joinInts(vals)), s.Frames, s.FrameWidth, s.FrameHeight)
	fmt.Fprintf(&b, "<div class=\"kogi-scrub-view\" tabindex=\"0\" role=\"group\" aria-label=\"%s\"><img draggable=\"false\" src=\"%s\" width=\"%d\" height=\"%d\" alt=\"%s\" loading=\"lazy\" decoding=\"async\"></div>\n",
		esc(l.stripAria), src(l.strip), s.Width, s.Height, esc(fmt.Sprintf(l.stripAlt, s.Frames)))
	fmt.Fprintf(&b, "<label class=\"kogi-scrub-control\" hidden><span>%s = <output>%d</output></span> <input type=\"range\" min=\"0\" max=\"%d\" value=\"0\" step=\"1\" aria-label=\"%s\"></label>\n",
		esc(l.stripLabel), first(vals), s.Frames-1, esc(l.stripAria))
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
	if c := m.ContentPreservation; c != nil {
		parts = append(parts, fmt.Sprintf("数字の保持率 A→B %.2f (素通し %.2f)，B→A %.2f (素通し %.2f)，サイクル L1 %.3f",
			c.AToB, c.PassthroughAToB, c.BToA, c.PassthroughBToA, m.CycleL1))
	}
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

func first(t []int) int {
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
