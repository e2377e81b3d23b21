package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"

	"github.com/hromada/hromada/internal/i18n"
)

//go:embed templates/*.tmpl
var templateFiles embed.FS

// renderer holds, per notice kind and language, the template set parsed twice: as text (subject and
// plain-text body) and as HTML (the HTML body, escaped by html/template).
type renderer struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// funcsFor are the template functions of a language's notices: {{plural "count.signatures" .Threshold}}
// says a number with its noun in the form the language's plural rule picks ("3 підписи", not "3
// підписів"), through the same messages the pages use (i18n.L.N).
func funcsFor(l *i18n.L) map[string]any {
	return map[string]any{"plural": func(id string, n any) string { return l.N(id, n) }}
}

func newRenderer() (*renderer, error) {
	layout, err := fs.ReadFile(templateFiles, "templates/_layout.tmpl")
	if err != nil {
		return nil, err
	}
	tr, err := i18n.NewTranslator()
	if err != nil {
		return nil, err
	}
	r := &renderer{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	files, err := fs.Glob(templateFiles, "templates/*.*.tmpl")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		body, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			return nil, err
		}
		key := strings.TrimSuffix(path.Base(f), ".tmpl") // "appeal_registered.uk"
		all := string(layout) + string(body)
		funcs := funcsFor(tr.For(strings.TrimPrefix(path.Ext(key), ".")))
		t, err := texttemplate.New(key).Option("missingkey=error").Funcs(funcs).Parse(all)
		if err != nil {
			return nil, fmt.Errorf("notice template %s: %w", f, err)
		}
		h, err := htmltemplate.New(key).Option("missingkey=error").Funcs(funcs).Parse(all)
		if err != nil {
			return nil, fmt.Errorf("notice template %s: %w", f, err)
		}
		for _, part := range []string{"subject", "text", "html"} {
			if t.Lookup(part) == nil {
				return nil, fmt.Errorf("notice template %s lacks {{define %q}}", f, part)
			}
		}
		r.text[key], r.html[key] = t, h
	}
	return r, nil
}

// render fills the templates of a notice in a language (Ukrainian when that language has none).
func (r *renderer) render(kind, lang string, data map[string]any) (subject, text, html string, err error) {
	key := kind + "." + lang
	if _, ok := r.text[key]; !ok {
		key = kind + "." + i18n.Languages[0]
	}
	t, ok := r.text[key]
	if !ok {
		return "", "", "", fmt.Errorf("no template for notice %q", kind)
	}
	data["Lang"] = strings.TrimPrefix(path.Ext(key), ".")
	if _, ok := data["Attached"]; !ok {
		data["Attached"] = nil // the layout names the files a message carries
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "subject", data); err != nil {
		return "", "", "", err
	}
	subject = strings.TrimSpace(b.String())
	b.Reset()
	if err := t.ExecuteTemplate(&b, "text", data); err != nil {
		return "", "", "", err
	}
	text = strings.TrimSpace(b.String()) + "\n"
	b.Reset()
	if err := r.html[key].ExecuteTemplate(&b, "html", data); err != nil {
		return "", "", "", err
	}
	return subject, text, b.String(), nil
}
