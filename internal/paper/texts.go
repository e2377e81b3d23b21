package paper

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"strings"
	"text/template"
)

// Kinds of letters about an appeal, one template each (templates/<kind>.tmpl).
const (
	KindAcknowledgement = "acknowledgement" // the registration, when the author asks for it
	KindForwarded       = "forwarded"       // to the author: sent to the competent body (Art. 7)
	KindForwardedCover  = "forwarded_cover" // to the competent body: the covering letter (Art. 7)
	KindReturned        = "returned"        // to the author: returned for missing content (Art. 5)
	KindExtended        = "extended"        // to the author: the term extended (Art. 20)
	KindNotConsidered   = "not_considered"  // to the author: left without consideration (Art. 8)
	KindAnswer          = "answer"          // to the author: the answer
)

// Kinds lists the kinds in the order the register's filter offers them.
var Kinds = []string{KindAcknowledgement, KindForwarded, KindForwardedCover, KindReturned, KindExtended,
	KindNotConsidered, KindAnswer}

// Facts are what a letter's template may say.
type Facts struct {
	Index      string // the appeal's registration index
	Received   string // dd.mm.yyyy
	Registered string
	Due        string   // the due date (extended: the new one)
	Body       string   // the competent body an appeal goes to
	Text       string   // the office's own words: to the author, the explanation, the ground, the answer
	Reason     string   // why the term was extended
	Author     string   // the author's name and address, for the covering letter
	Results    []string // the answer: "1. Комунальне господарство — вирішено позитивно"
	StatusURL  string   // where the author follows the appeal
}

//go:embed templates/*.tmpl
var templateFiles embed.FS

var templates = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, kind := range Kinds {
		t := template.Must(template.New(kind).Option("missingkey=error").ParseFS(templateFiles, path.Join("templates", kind+".tmpl")))
		for _, part := range []string{"subject", "body"} {
			if t.Lookup(part) == nil {
				panic(fmt.Sprintf("letter template %s lacks {{define %q}}", kind, part))
			}
		}
		out[kind] = t
	}
	return out
}()

// Compose fills the template of a kind: the heading to the text ("Про ...") and the text, and what is
// enclosed.
func Compose(kind string, f Facts) (subject, body, enclosure string, err error) {
	t, ok := templates[kind]
	if !ok {
		return "", "", "", fmt.Errorf("no letter template %q", kind)
	}
	part := func(name string) (string, error) {
		if t.Lookup(name) == nil {
			return "", nil
		}
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, name, f); err != nil {
			return "", fmt.Errorf("letter %s: %w", kind, err)
		}
		return strings.TrimSpace(b.String()), nil
	}
	if subject, err = part("subject"); err != nil {
		return
	}
	if body, err = part("body"); err != nil {
		return
	}
	body = paragraphs(body)
	enclosure, err = part("enclosure")
	return
}

// paragraphs keeps the text's non-empty lines, each a paragraph: the letter marks a paragraph by its
// indent, so empty lines left by the template or typed between paragraphs would only gape.
func paragraphs(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
