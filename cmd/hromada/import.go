package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/department"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
)

const importUsage = "usage: hromada import appeals [-lang uk|en] FILE.xlsx|FILE.csv\n" +
	"       hromada import cards -source CODE [-profile ID] [-check] [-lang uk|en] FILE.xlsx|FILE.csv"

// runImport is `hromada import appeals [-lang uk|en] FILE.xlsx|FILE.csv`: the staff page's import for files too large
// to upload comfortably. It prints every problem of a refused file (the page shows the first few hundred)
// in Ukrainian, or in English with -lang en, and exits non-zero; nothing is added then.
func runImport(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "cards" {
		return runImportCards(ctx, cfg, log, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "appeals" {
		return errors.New(importUsage)
	}
	fs := flag.NewFlagSet("import appeals", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", i18n.Languages[0], "language of the messages: uk or en")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
		return errors.New(importUsage)
	}
	tr, err := i18n.NewTranslator()
	if err != nil {
		return err
	}
	l := tr.For(*lang)
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	gdb, err := openCurrent(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(gdb)
	clf, err := classifier.Load()
	if err != nil {
		return err
	}
	files, err := app.NewAttachmentStore(cfg)
	if err != nil {
		return err
	}
	cal, err := app.NewCalendar(cfg)
	if err != nil {
		return err
	}
	reg := app.NewRegistry(gdb, cfg, clf, cal, files, nil) // the import sends no notices
	depts, err := department.NewService(gdb).IDsByName(ctx)
	if err != nil {
		return err
	}

	res, err := reg.ImportAppeals(ctx, f, registry.ImportOptions{FileName: filepath.Base(path), Departments: depts})
	var refused *registry.ImportError
	if errors.As(err, &refused) {
		for _, p := range refused.Problems {
			row := p.Describe(l)
			where := row.Field
			if p.Line > 0 {
				where = l.Tf("import.cli.line", "Line", p.Line) + ", " + row.Field
			}
			if p.Column != "" {
				where += " (" + p.Column + ")"
			}
			fmt.Fprintf(stdout, "%s: %s\n", where, row.Reason)
		}
		return errors.New(l.Tf("import.cli.refused", "Count", len(refused.Problems)))
	}
	if err != nil {
		return err
	}
	log.Info("appeals imported", "file", path, "rows", res.Rows, "added", res.Added, "skipped", res.Skipped)
	fmt.Fprintln(stdout, l.Tf("import.cli.done", "Added", res.Added, "Skipped", res.Skipped, "Rows", res.Rows))
	return nil
}
