package web

import (
	"embed"
	"io/fs"
)

//go:embed views/*.html
var viewFiles embed.FS

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
