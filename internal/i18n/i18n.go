// Package i18n holds the languages Hromada speaks and its texts in them: the message files
// (locales/*.json) with their translator, read by the web pages, the command line and the exports alike.
// It sits below the web layer, so a command-line report reads its texts without pulling in Fiber.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the portal, its notices and its exports speak; the first is the default, for anything unknown.
var Languages = []string{"uk", "en"}

//go:embed locales/*.json
var localeFiles embed.FS

// Translator holds one localizer per language; messages are flat JSON files, one per language, and a
// test keeps their keys identical.
type Translator struct {
	byLang map[string]*goi18n.Localizer
	simple map[string]map[string]string // per language, the messages that are plain text (simpleMessages)
}

// NewTranslator parses the embedded message files; a broken file stops the boot.
func NewTranslator() (*Translator, error) {
	b := goi18n.NewBundle(language.Ukrainian)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(localeFiles, f); err != nil {
			return nil, fmt.Errorf("messages %s: %w", f, err)
		}
	}
	simple, err := simpleMessages(files)
	if err != nil {
		return nil, err
	}
	t := &Translator{byLang: map[string]*goi18n.Localizer{}, simple: simple}
	for _, l := range Languages {
		t.byLang[l] = goi18n.NewLocalizer(b, l)
	}
	return t, nil
}

// simpleMessages reads, once, every message that is plain text (no plural forms, nothing filled in)
// into a map per language, so T of such a message is a map lookup: a page says some hundred of them,
// and go-i18n finds each through its templates and reflection per call. The rest still go through it.
func simpleMessages(files []string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, l := range Languages {
		out[l] = map[string]string{}
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".json")
		lang := name[strings.LastIndex(name, ".")+1:]
		if _, ok := out[lang]; !ok {
			continue
		}
		b, err := fs.ReadFile(localeFiles, f)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("messages %s: %w", f, err)
		}
		for id, v := range m {
			if text, ok := v.(string); ok && !strings.Contains(text, "{{") {
				out[lang][id] = text
			}
		}
	}
	return out, nil
}

// For returns the texts of one language (Ukrainian for anything unknown).
func (t *Translator) For(lang string) *L {
	if _, ok := t.byLang[lang]; !ok {
		lang = Languages[0]
	}
	return &L{lang: lang, loc: t.byLang[lang], simple: t.simple[lang]}
}

// L translates message ids into one language; templates call {{.L.T "id"}}, {{.L.Tf "id" "Name" value}} and
// {{.L.N "id" count}}.
type L struct {
	lang   string
	loc    *goi18n.Localizer
	simple map[string]string
}

// Lang is the language code, for <html lang>.
func (l *L) Lang() string { return l.lang }

// T translates a message id; a missing id shows itself, so a gap is visible rather than blank.
func (l *L) T(id string) string {
	if s, ok := l.simple[id]; ok {
		return s
	}
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return id
	}
	return s
}

// Has says whether id is a message of ours.
func (l *L) Has(id string) bool {
	if _, ok := l.simple[id]; ok {
		return true
	}
	_, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// Tf translates a message with named values: Tf("appeal.show.title", "Index", "К-12").
func (l *L) Tf(id string, kv ...any) string {
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: named(kv)})
	if err != nil {
		return id
	}
	return s
}

// N translates a message about n of something in the form the language's CLDR plural rule picks for n:
// Ukrainian one/few/many/other ("1 день", "2 дні", "5 днів", "21 день"), English one/other. It is the one
// way a number meets a noun, on pages, in e-mail and in reports: the message (an object of forms in the
// locale files) says {{.N}}, and kv adds named values as Tf does. n is any number: an integer type, or a
// float such as a notice's data read back from JSON holds.
func (l *L) N(id string, n any, kv ...any) string {
	n = pluralCount(n)
	data := named(kv)
	data["N"] = n
	s, err := l.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// pluralCount gives go-i18n a count it reads: it takes integers and numbers written as text, not floats,
// which a whole number becomes once stored as JSON.
func pluralCount(n any) any {
	var f float64
	switch v := n.(type) {
	case float64:
		f = v
	case float32:
		f = float64(v)
	case json.Number:
		return v.String()
	default:
		return n
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func named(kv []any) map[string]any {
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			data[k] = kv[i+1]
		}
	}
	return data
}
