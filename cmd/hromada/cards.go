package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
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

	in, sources, closeDB, err := openIntake(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
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

// openIntake builds the intake over the registry for a command; closeDB releases the database.
func openIntake(ctx context.Context, cfg *config.Config, log *slog.Logger) (in *intake.Service, sources *source.Service,
	closeDB func(), err error) {
	gdb, err := openCurrent(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	closeDB = func() { _ = db.Close(gdb) }
	defer func() {
		if err != nil {
			closeDB()
		}
	}()
	clf, err := classifier.Load()
	if err != nil {
		return nil, nil, nil, err
	}
	files, err := app.NewAttachmentStore(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	cal, err := app.NewCalendar(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	reg := app.NewRegistry(gdb, cfg, clf, cal, files, nil) // the intake sends no notices
	sources = source.NewService(gdb, clf.Channels.Has)
	return app.NewIntake(gdb, cfg, clf, reg, sources), sources, closeDB, nil
}

const resultsUsage = "usage: hromada results -source CODE -from YYYY-MM-DD -to YYYY-MM-DD [-format xlsx|csv] [-profile ID] [-o FILE]"

// runResults is `hromada results`: the source's cards answered in a period, in its layout (the staff
// page's "Результати для джерела"), to a file or stdout. The export is audited.
func runResults(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("results", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	code := fs.String("source", "", "the source's code")
	profileID := fs.Int64("profile", 0, "the profile's id (default: the source's first)")
	fromS, toS := fs.String("from", "", "first day"), fs.String("to", "", "last day")
	format := fs.String("format", "xlsx", "xlsx or csv")
	outPath := fs.String("o", "", "the file to write (default: stdout)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *code == "" || (*format != "xlsx" && *format != "csv") {
		return errors.New(resultsUsage)
	}
	from, err1 := time.ParseInLocation(time.DateOnly, *fromS, cfg.Timezone)
	to, err2 := time.ParseInLocation(time.DateOnly, *toS, cfg.Timezone)
	if err1 != nil || err2 != nil || to.Before(from) {
		return errors.New(resultsUsage)
	}
	in, sources, closeDB, err := openIntake(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	src, err := sources.ByCode(ctx, *code)
	if err != nil {
		return fmt.Errorf("no source %q", *code)
	}
	profile, err := in.ForSource(ctx, src.ID, *profileID)
	if err != nil {
		return fmt.Errorf("the source %q has no such import profile", *code)
	}
	res, err := in.Results(ctx, profile.ID, from, to)
	if e := errs.As(err, errs.Invalid); e != nil {
		return fmt.Errorf("the profile %d cannot write the results: %v", profile.ID, e.Fields)
	}
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if *format == "csv" {
		err = res.WriteCSV(&b)
	} else {
		err = res.WriteXLSX(&b)
	}
	if err != nil {
		return err
	}
	log.Info("results exported", "source", src.Code, "profile", profile.ID, "cards", len(res.Rows))
	if *outPath == "" {
		_, err = stdout.Write(b.Bytes())
		return err
	}
	return os.WriteFile(*outPath, b.Bytes(), 0o600)
}
