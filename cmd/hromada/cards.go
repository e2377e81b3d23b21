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
	"strings"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/source"
)

// maxCardsFile bounds the file the command reads into memory, as the staff page's upload limit does.
const maxCardsFile = 512 << 20

// runImportCards is `hromada import cards -source CODE [-profile ID] [-check] FILE`: a source's export of
// cards through its import profile. It prints the preview (new cards, cards already registered and what
// changed in them, every problem with its line and column); -check stops there and writes nothing.
// Otherwise a file without problems is imported all or nothing; a file with any problem adds nothing and
// the command exits non-zero.
func runImportCards(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import cards", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	code := fs.String("source", "", "the source's code (1545, oda, …)")
	profileID := fs.Int64("profile", 0, "the profile's id (default: the source's first)")
	check := fs.Bool("check", false, "print the preview only, write nothing")
	lang := fs.String("lang", i18n.Languages[0], "language of the messages: uk or en")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *code == "" {
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
	content, err := io.ReadAll(io.LimitReader(f, maxCardsFile+1))
	if err != nil {
		return err
	}
	if len(content) > maxCardsFile {
		return fmt.Errorf("%s: larger than %d MiB", path, maxCardsFile>>20)
	}

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
	reg := app.NewRegistry(gdb, cfg, clf, cal, files, nil) // the intake sends no notices
	sources := source.NewService(gdb, clf.Channels.Has)
	in := app.NewIntake(gdb, cfg, clf, reg, sources)
	src, err := sources.ByCode(ctx, *code)
	if err != nil {
		return errors.New(l.T("source.error.unknown"))
	}
	profile, err := in.ForSource(ctx, src.ID, *profileID)
	if err != nil {
		return errors.New(l.T("intake.error.no_profile"))
	}
	name := filepath.Base(path)
	pv, _, err := in.Check(ctx, profile, name, content, nil)
	if err != nil {
		return err
	}
	printPreview(stdout, l, pv)
	if len(pv.Problems) > 0 {
		return errors.New(l.Tf("import.cli.refused", "Count", len(pv.Problems)))
	}
	if *check || len(pv.New) == 0 {
		return nil
	}
	out, err := in.Import(ctx, profile, name, content)
	var refused *intake.RefusedError
	if errors.As(err, &refused) {
		printPreview(stdout, l, refused.Preview)
		return errors.New(l.Tf("import.cli.refused", "Count", len(refused.Preview.Problems)))
	}
	if err != nil {
		return err
	}
	log.Info("cards imported", "source", src.Code, "profile", profile.ID, "added", len(out.Added), "known", out.Known)
	fmt.Fprintln(stdout, l.Tf("intake.run.done", "Added", len(out.Added), "Known", out.Known, "Changed", out.Changed))
	return nil
}

// printPreview prints what a file would do, every problem on a line of its own.
func printPreview(w io.Writer, l *i18n.L, pv *intake.Preview) {
	for _, p := range pv.Problems {
		where := l.T("import.whole_file")
		if p.Line > 0 {
			where = l.Tf("import.cli.line", "Line", p.Line)
		}
		if p.Column != "" {
			where += ", " + p.Column
		}
		fmt.Fprintf(w, "%s: %s\n", where, l.Tf(p.Message, "Value", p.Value, "Want", p.Want))
	}
	if len(pv.Problems) > 0 {
		return
	}
	for _, c := range pv.New {
		fmt.Fprintf(w, "+ %s %s\n", l.Tf("import.cli.line", "Line", c.Line), c.Number)
	}
	for _, c := range pv.Known {
		changed := ""
		if len(c.Changed) > 0 {
			changed = " — " + l.T("intake.col.changed") + ": " + strings.Join(c.Changed, ", ")
		}
		fmt.Fprintf(w, "= %s %s %s%s\n", l.Tf("import.cli.line", "Line", c.Line), c.Number, c.RegIndex, changed)
	}
	fmt.Fprintln(w, l.Tf("intake.run.new", "Count", len(pv.New))+"; "+l.Tf("intake.run.known", "Count", len(pv.Known))+"; "+
		l.Tf("intake.run.changed", "Count", pv.Changed()))
}
