package admin

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/intake"
	"github.com/hromada/hromada/internal/web"
)

// The intake of other systems' cards (internal/intake) beside the CSV registry import on /admin/import:
// profiles per source, a file checked into a preview in the background, confirmed, and the results sent
// back in the source's layout.

const (
	maxRunsShown  = 10
	maxLinesShown = 500 // of a preview's lists: the counts say the rest
	refreshEvery  = "2" // seconds between reloads of a run's page while its file is read
)

// intakeData is what the import page shows of the intake: the profiles, the recent runs and the forms.
func (h *handlers) intakeData(c *fiber.Ctx, data fiber.Map) error {
	ctx := c.UserContext()
	profiles, err := h.Intake.List(ctx)
	if err != nil {
		return err
	}
	sources, err := h.Sources.List(ctx, false)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, s := range sources {
		names[s.ID] = s.Name(web.LangOf(c))
	}
	runs, err := h.Intake.Recent(ctx, maxRunsShown)
	if err != nil {
		return err
	}
	data["Profiles"], data["SourceNames"], data["Runs"] = profiles, names, runs
	if _, ok := data["ResultsForm"]; !ok {
		today := time.Now().In(h.Timezone)
		data["ResultsForm"] = fiber.Map{"From": today.AddDate(0, -1, 0).Format(form.DateLayout), "To": today.Format(form.DateLayout)}
	}
	return nil
}

// uploadCards keeps an uploaded export and starts checking it through the chosen profile; the run's page
// follows it.
func (h *handlers) uploadCards(c *fiber.Ctx) error {
	values, files, err := web.FormWithFiles(c, "file")
	if err != nil {
		return err
	}
	r := form.New(values)
	profileID, _ := r.Int("profile", 1, 1<<62)
	problems := r.Problems()
	if len(files) == 0 {
		problems.Add("cards_file", "import.no_file")
	}
	var content []byte
	name := ""
	if len(files) > 0 {
		name, _ = form.Check(files[0].Name, false, 0)
		name = form.Cut(name, 255) // a name is shown, never used as a path
		f, err := files[0].Open()
		if err != nil {
			return fmt.Errorf("open uploaded cards: %w", err)
		}
		defer f.Close()
		// The body limit (web.AcceptUploads) already bounds the file.
		if content, err = io.ReadAll(f); err != nil {
			return fmt.Errorf("read uploaded cards: %w", err)
		}
	}
	if len(problems) == 0 {
		run, err := h.Intake.Start(c.UserContext(), profileID, name, content, h.Log)
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		} else {
			h.Log.Info("intake started", "run", run.ID, "profile", profileID, "bytes", len(content), "by_person_id", personID(c))
			return c.Redirect(fmt.Sprintf("/admin/import/runs/%d", run.ID), fiber.StatusSeeOther)
		}
	}
	if problems["file"] != "" {
		problems["cards_file"] = problems["file"]
		delete(problems, "file")
	}
	if problems["profile"] != "" {
		problems["profile"] = "intake.error.profile"
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderImport(c, fiber.Map{"Errors": problems})
}

// intakeRun shows a run: the progress bar while the file is read (the page reloads itself, no script),
// then the preview, with the confirmation when there is something to import; then the outcome.
func (h *handlers) intakeRun(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	run, err := h.Intake.Run(c.UserContext(), id)
	if err != nil {
		return err
	}
	pv, err := run.PreviewOf()
	if err != nil {
		return err
	}
	out, err := run.OutcomeOf()
	if err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	interrupted := run.Interrupted(time.Now())
	data := fiber.Map{"Title": l.Tf("intake.run.title", "File", run.FileName), "Run": run, "Outcome": out,
		"Interrupted": interrupted}
	if run.Running() && !interrupted {
		data["Refresh"] = refreshEvery
	}
	if pv != nil {
		profile, err := h.Intake.Get(c.UserContext(), run.ProfileID)
		if err != nil {
			return err
		}
		data["Profile"], data["Preview"] = profile, pv
		data["New"] = pv.New[:min(len(pv.New), maxLinesShown)]
		data["Known"] = pv.Known[:min(len(pv.Known), maxLinesShown)]
		var rows []problemRow
		for _, p := range pv.Problems[:min(len(pv.Problems), maxLinesShown)] {
			rows = append(rows, problemRow{Line: p.Line, Column: p.Column,
				Reason: l.Tf(p.Message, "Value", p.Value, "Want", p.Want)})
		}
		data["Problems"] = rows
	}
	if out.Error != "" {
		data["Failure"] = out.Error
	}
	return c.Render("admin/intake_run", data)
}

// problemRow is one problem of a file as the run's page lists it.
type problemRow struct {
	Line   int
	Column string
	Reason string
}

// confirmRun imports a checked file; the run's page follows the import.
func (h *handlers) confirmRun(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Intake.Confirm(c.UserContext(), id, h.Log); err != nil {
		if errs.CodeOf(err) == errs.Conflict {
			return h.web.Done(c, "intake.error.not_checked", fmt.Sprintf("/admin/import/runs/%d", id))
		}
		return err
	}
	h.Log.Info("intake confirmed", "run", id, "by_person_id", personID(c))
	return c.Redirect(fmt.Sprintf("/admin/import/runs/%d", id), fiber.StatusSeeOther)
}

// profileForm is a profile's form as typed.
type profileForm struct {
	Source      string
	Name        string
	HeaderRow   string
	DateFormats string
	Headers     map[string]string
	Required    map[string]bool
	Values      map[string]string
}

// newProfile is the form of a new profile, filled in from the first profile of the source asked for (a
// clerk starts from the example and changes what their region's export says otherwise).
func (h *handlers) newProfile(c *fiber.Ctx) error {
	f := profileForm{HeaderRow: "1", DateFormats: "DD.MM.YYYY hh:mm\nDD.MM.YYYY", Headers: map[string]string{},
		Required: map[string]bool{}, Values: map[string]string{}}
	return h.renderProfile(c, nil, f, nil)
}

func (h *handlers) renderProfile(c *fiber.Ctx, p *intake.Profile, f profileForm, problems map[string]string) error {
	sources, err := h.Sources.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	title, action := l.T("intake.profile.new"), "/admin/import/profiles"
	if p != nil {
		title, action = p.Name, fmt.Sprintf("/admin/import/profiles/%d", p.ID)
	}
	codes := map[string]string{}
	for _, list := range intake.Lists {
		codes[list] = strings.Join(h.Intake.OurCodes(list), ", ")
	}
	return c.Render("admin/intake_profile", fiber.Map{"Title": title, "Action": action, "Profile": p, "Form": f,
		"Errors": problems, "Sources": sources, "Fields": intake.Fields, "Lists": intake.Lists, "Codes": codes})
}

// readProfileForm reads the profile's form at the edge.
func (h *handlers) readProfileForm(c *fiber.Ctx) (profileForm, intake.ProfileInput, map[string]string, error) {
	r, err := web.ReadForm(c)
	if err != nil {
		return profileForm{}, intake.ProfileInput{}, nil, err
	}
	f := profileForm{Source: r.Line("source", 40), Name: r.Line("name", form.MaxLine), HeaderRow: r.Line("header_row", 10),
		DateFormats: r.Text("date_formats", 2000), Headers: map[string]string{}, Required: map[string]bool{},
		Values: map[string]string{}}
	in := intake.ProfileInput{Name: f.Name, DateFormats: strings.Split(f.DateFormats, "\n"), Headers: f.Headers,
		Required: f.Required, Values: f.Values}
	for _, fd := range intake.Fields {
		f.Headers[fd.Name] = r.Line("headers."+fd.Name, 2000)
		f.Required[fd.Name] = r.Flag("required." + fd.Name)
	}
	for _, list := range intake.Lists {
		f.Values[list] = r.Text("values."+list, 100000)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(f.HeaderRow)); err == nil {
		in.HeaderRow = n
	}
	if src, err := h.Sources.ByCode(c.UserContext(), f.Source); err == nil {
		in.SourceID = src.ID
	} else if errs.CodeOf(err) != errs.NotFound {
		return f, in, nil, err
	}
	problems := r.Problems()
	for k := range problems {
		problems[k] = "intake.error.unreadable"
	}
	return f, in, problems, nil
}

// createProfile saves a new profile.
func (h *handlers) createProfile(c *fiber.Ctx) error {
	f, in, problems, err := h.readProfileForm(c)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		p, err := h.Intake.Create(c.UserContext(), in)
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		} else {
			h.Log.Info("intake profile created", "profile", p.ID, "by_person_id", personID(c))
			return h.web.Done(c, "intake.profile.saved", fmt.Sprintf("/admin/import/profiles/%d", p.ID))
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderProfile(c, nil, f, problems)
}

// editProfile is one profile's form, filled in with what it holds.
func (h *handlers) editProfile(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Intake.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	in, err := p.InputOf()
	if err != nil {
		return err
	}
	src, err := h.Sources.Get(c.UserContext(), p.SourceID)
	if err != nil {
		return err
	}
	f := profileForm{Source: src.Code, Name: in.Name, HeaderRow: strconv.Itoa(in.HeaderRow),
		DateFormats: strings.Join(in.DateFormats, "\n"), Headers: in.Headers, Required: in.Required, Values: in.Values}
	return h.renderProfile(c, p, f, nil)
}

// updateProfile saves a changed profile.
func (h *handlers) updateProfile(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Intake.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	f, in, problems, err := h.readProfileForm(c)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		_, err := h.Intake.Update(c.UserContext(), id, in)
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		} else {
			h.Log.Info("intake profile changed", "profile", id, "by_person_id", personID(c))
			return h.web.Done(c, "intake.profile.saved", fmt.Sprintf("/admin/import/profiles/%d", id))
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderProfile(c, p, f, problems)
}

// intakeResults sends the source's answered cards of a period in its layout (xlsx or csv).
func (h *handlers) intakeResults(c *fiber.Ctx) error {
	format := c.Params("format")
	if format != "xlsx" && format != "csv" {
		return errs.New(errs.NotFound, "error.not_found")
	}
	r := web.ReadQuery(c)
	profileID, _ := r.Int("profile", 1, 1<<62)
	from, to := r.Date("from"), r.Date("to")
	problems := r.Problems()
	if from.IsZero() {
		problems.Add("from", "intake.error.period")
	}
	if to.IsZero() {
		problems.Add("to", "intake.error.period")
	}
	var res *intake.Results
	if len(problems) == 0 {
		var err error
		res, err = h.Intake.Results(c.UserContext(), profileID, from, to)
		switch invalid := errs.As(err, errs.Invalid); {
		case invalid != nil:
			problems = invalid.Fields
		case errs.CodeOf(err) == errs.NotFound:
			problems.Add("profile", "intake.error.profile")
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		if problems["profile"] != "" {
			problems["results_profile"] = "intake.error.profile"
			delete(problems, "profile")
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderImport(c, fiber.Map{"Errors": problems, "ResultsForm": fiber.Map{
			"Profile": profileID, "From": from.Format(form.DateLayout), "To": to.Format(form.DateLayout)}})
	}
	var b bytes.Buffer
	var err error
	if format == "csv" {
		err = res.WriteCSV(&b)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	} else {
		err = res.WriteXLSX(&b)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	if err != nil {
		return err
	}
	h.Log.Info("intake results exported", "profile", profileID, "cards", len(res.Rows), "by_person_id", personID(c))
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="results-%s-%s.%s"`,
		from.Format("20060102"), to.Format("20060102"), format))
	return c.Send(b.Bytes())
}
