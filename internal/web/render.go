package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"testing/fstest"
	"time"

	"github.com/gofiber/template/html/v2"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/static"
)

// The web package's own templates (layout, error page) are named "web/...".
var ownViews = mustSub(viewFiles, "views")

// newEngine parses every template at start, so a broken one stops the boot. Each area keeps its
// templates in its own package; they are gathered into one tree under the area's name, because the
// engine reads one file system and keeps one namespace.
//
// Pages include the "web/top" and "web/bottom" partials instead of using the engine's layouts: a render
// with a layout takes the engine's exclusive lock, which would serialise every page.
func newEngine(areas map[string]fs.FS, assets *static.Assets, loc *time.Location) (*html.Engine, error) {
	tree := fstest.MapFS{}
	add := func(prefix string, fsys fs.FS) error {
		return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			tree[path.Join(prefix, name)] = &fstest.MapFile{Data: body, Mode: 0o444}
			return nil
		})
	}
	if err := add("web", ownViews); err != nil {
		return nil, err
	}
	for name, fsys := range areas {
		if err := add(name, fsys); err != nil {
			return nil, fmt.Errorf("views of %s: %w", name, err)
		}
	}
	e := html.NewFileSystem(http.FS(tree), ".html")
	e.AddFuncMap(template.FuncMap{
		"asset": assets.URL,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("02.01.2006")
		},
		// Due dates are stored as calendar dates (midnight UTC): never shift them into another zone.
		"day": func(t time.Time) string { return t.UTC().Format("02.01.2006") },
		// An optional row id as a form's value: "" for none (printf "%d" of a pointer prints its address).
		"id": func(p *int64) string {
			if p == nil {
				return ""
			}
			return strconv.FormatInt(*p, 10)
		},
		"datetime": func(t time.Time) string { return t.In(loc).Format("02.01.2006 15:04") },
		"hhmm":     func(t time.Time) string { return t.In(loc).Format("15:04") }, // a time of day in the council's zone
		"isoDate":  func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"add":      func(a, b int) int { return a + b },
		"list":     func(items ...string) []string { return items },
		// dict passes several values to a partial: {{template "x" (dict "Name" "email" "Value" .Email)}}.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"tel": config.Tel, // a phone number as a tel: link wants it
		"kib": func(n int64) string { return fmt.Sprintf("%.0f KiB", math.Ceil(float64(n)/1024)) },
	})
	if err := e.Load(); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return e, nil
}
