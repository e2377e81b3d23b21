package pdftest

import (
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// EnvRequire names the variable that turns a missing renderer from a skip into a failure ("1" in CI,
// which installs poppler-utils beside Chromium).
const EnvRequire = "HROMADA_REQUIRE_BROWSER"

// Poppler returns the path of a poppler-utils program (pdftoppm, pdftotext), or skips the test with the
// package to install; under HROMADA_REQUIRE_BROWSER=1 it fails instead, so CI cannot pass unseen.
func Poppler(t testing.TB, program string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err != nil {
		msg := program + " not found: install Debian's poppler-utils (apt-get install -y --no-install-recommends poppler-utils) to render PDF pages"
		if os.Getenv(EnvRequire) == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// CanRender reports whether pages can be rendered here (poppler-utils installed). Under
// HROMADA_REQUIRE_BROWSER=1 it is always true, so a missing renderer fails where it is used. Steps of a
// longer scenario use it to leave out the rendering checks instead of skipping the rest of the step.
func CanRender(t testing.TB) bool {
	t.Helper()
	if os.Getenv(EnvRequire) == "1" {
		return true
	}
	for _, p := range []string{"pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Logf("%s not found: the PDFs' rendering checks are left out (install poppler-utils)", p)
			return false
		}
	}
	return true
}

// Page is one page rendered to pixels, as a reader's screen or a printer would see it.
type Page struct {
	Img image.Image
	DPI float64
}

// Render draws page n (from 1) of the PDF at dpi with pdftoppm, anti-aliased as a viewer shows it.
func Render(t testing.TB, data []byte, n, dpi int) Page {
	t.Helper()
	bin := Poppler(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	page := strconv.Itoa(n)
	out, err := exec.Command(bin, "-png", "-r", strconv.Itoa(dpi), "-f", page, "-l", page, "-singlefile",
		in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm page %d: %v: %s", n, err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("page %d's image: %v", n, err)
	}
	return Page{Img: img, DPI: float64(dpi)}
}

// Word is a word poppler found on a page, with its box in points from the page's top left corner.
type Word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
}

var wordRE = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)

// Words lists the words of page n (from 1) with their boxes (pdftotext -bbox), in reading order.
func Words(t testing.TB, data []byte, n int) []Word {
	t.Helper()
	bin := Poppler(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	page := strconv.Itoa(n)
	out, err := exec.Command(bin, "-bbox", "-f", page, "-l", page, in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext page %d: %v", n, err)
	}
	var words []Word
	for _, m := range wordRE.FindAllSubmatch(out, -1) {
		f := func(i int) float64 { v, _ := strconv.ParseFloat(string(m[i]), 64); return v }
		words = append(words, Word{Text: html.UnescapeString(string(m[5])), XMin: f(1), YMin: f(2), XMax: f(3), YMax: f(4)})
	}
	return words
}

// Ink is the darkest and the lightest pixel inside a word's box (shrunk by half a point so a table's
// rules beside it stay out): the text's colour and its background's, as far as the eye can tell.
func (p Page) Ink(w Word) (ink, paper color.Color) {
	px := func(pt float64) int { return int(math.Round(pt * p.DPI / 72)) }
	r := image.Rect(px(w.XMin+0.5), px(w.YMin+0.5), px(w.XMax-0.5), px(w.YMax-0.5)).Intersect(p.Img.Bounds())
	lo, hi := math.Inf(1), math.Inf(-1)
	ink, paper = color.White, color.White
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := p.Img.At(x, y)
			l := Luminance(c)
			if l < lo {
				lo, ink = l, c
			}
			if l > hi {
				hi, paper = l, c
			}
		}
	}
	return ink, paper
}

// Dark counts the pixels darker than mid-grey on the page: how much ink it carries.
func (p Page) Dark() int {
	n := 0
	b := p.Img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if Luminance(p.Img.At(x, y)) < 0.5 {
				n++
			}
		}
	}
	return n
}

// Luminance is a colour's relative luminance as WCAG 2 defines it: 0 for black, 1 for white.
func Luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// Contrast is the WCAG 2 contrast ratio of two colours, from 1 (the same) to 21 (black on white); text
// needs at least 4.5 (success criterion 1.4.3).
func Contrast(a, b color.Color) float64 {
	la, lb := Luminance(a), Luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// WCAGText is the contrast WCAG 2 asks of ordinary text (1.4.3, level AA).
const WCAGText = 4.5

// Has reports whether the words contain s as one whole word.
func Has(words []Word, s string) bool {
	for _, w := range words {
		if w.Text == s {
			return true
		}
	}
	return false
}

// Readable renders every page of the PDF at 200 dpi and fails the test for each word (one with a
// letter or a digit: a lone dash is too thin to hold a pixel of full ink) whose darkest pixel stands
// less than WCAG's 4.5:1 from the lightest in its box. It returns the words of all pages, for checks
// of what they say.
func Readable(t testing.TB, data []byte) []Word {
	t.Helper()
	var all []Word
	for n := 1; n <= Pages(t, data); n++ {
		page := Render(t, data, n, 200)
		words := Words(t, data, n)
		for _, w := range words {
			if !strings.ContainsFunc(w.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
				continue
			}
			ink, paper := page.Ink(w)
			if c := Contrast(ink, paper); c < WCAGText {
				t.Errorf("page %d, «%s»: contrast %.2f:1 (ink %v on %v), want at least %.1f:1", n, w.Text, c, ink, paper, WCAGText)
			}
		}
		all = append(all, words...)
	}
	return all
}

// Flat is s with every run of white space made one space: text wrapped onto lines compares with the
// sentence it came from.
func Flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// Sentences splits text into its sentences (after ". " and at paragraph breaks), each made Flat.
func Sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		for _, s := range strings.SplitAfter(para, ". ") {
			if s = Flat(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
