// Package static embeds the portal's stylesheets, scripts and images and serves them under
// content-hashed names (app.3f2a9c1e.css), so browsers may cache them for a year.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed css img js
var files embed.FS

// Asset is one embedded file.
type Asset struct {
	Body        []byte
	ContentType string
}

// Assets maps logical names ("css/app.css") to hashed URLs and back.
type Assets struct {
	prefix string
	urls   map[string]string // logical name → URL
	byURL  map[string]Asset  // hashed path (without prefix) → file
}

// Load hashes every embedded file; prefix is the URL path they are served under, e.g. "/static/".
func Load(prefix string) (*Assets, error) {
	a := &Assets{prefix: prefix, urls: map[string]string{}, byURL: map[string]Asset{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.urls[name] = prefix + hashed
		a.byURL[hashed] = Asset{Body: body, ContentType: ct}
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a logical name; an unknown name returns "" so a template mistake shows.
func (a *Assets) URL(name string) string { return a.urls[name] }

// Lookup finds a file by its hashed path (the part after the prefix).
func (a *Assets) Lookup(hashed string) (Asset, bool) {
	f, ok := a.byURL[hashed]
	return f, ok
}
