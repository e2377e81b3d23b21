package web

import (
	"embed"
	"io/fs"
)

//go:embed views/*.html
var viewFiles embed.FS

// ViewsOf returns the "views" folder of an area's embedded files, for Deps.Views.
func ViewsOf(fsys fs.FS) fs.FS { return mustSub(fsys, "views") }

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
