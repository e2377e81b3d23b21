package admin

import (
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/reporttext"
	"github.com/hromada/hromada/internal/web"
)

// reportTextField is one typed part of the document on the report page: the text in its textarea (the
// latest version, or what was just typed when a save was refused) and the earlier versions below it.
type reportTextField struct {
	Part, Field, Label, Hint, Value, Error string
	Version                                int // the latest version's number, 0 when nothing was saved
	Earlier                                []reportTextVersion
}

type reportTextVersion struct {
	Version int
	At, By  string // when (the council's time) and who saved it ("" once the person is gone)
	Body    string
}

// reportTexts lays out the period's texts for the page, part by part, with who saved each version.
func (h *handlers) reportTexts(c *fiber.Ctx, history reporttext.History, typed map[string]string, problems errs.Validation) ([]reportTextField, error) {
	l := h.web.TextsOf(c)
	var ids []int64
	for _, versions := range history {
		for _, v := range versions {
			if v.AuthorID != nil && !slices.Contains(ids, *v.AuthorID) {
				ids = append(ids, *v.AuthorID)
			}
		}
	}
	names, err := h.People.Names(c.UserContext(), ids)
	if err != nil {
		return nil, err
	}
	var out []reportTextField
	for _, part := range report.Parts {
		f := reportTextField{Part: part, Field: "text_" + part, Label: l.T("docx.part1." + part),
			Error: problems["text_"+part]}
		if part == report.PartAnalytical {
			f.Hint = l.T("docx.texts.hint.analytical")
		}
		versions := history[part]
		if len(versions) > 0 {
			f.Value, f.Version = versions[0].Body, versions[0].Version
		}
		if t, ok := typed[part]; ok {
			f.Value = t
		}
		for i, v := range versions {
			if i == 0 {
				continue // the latest is in the textarea
			}
			by := ""
			if v.AuthorID != nil {
				by = names[*v.AuthorID]
			}
			f.Earlier = append(f.Earlier, reportTextVersion{Version: v.Version, Body: v.Body, By: by,
				At: v.CreatedAt.In(h.Timezone).Format("02.01.2006 15:04")})
		}
		out = append(out, f)
	}
	return out, nil
}

// saveReportTexts saves the typed parts of the document for the period in the query string: each part
// that changed becomes a new version (audited); the page comes back with a message. Text that cannot be
// stored is refused beside its field, as typed.
func (h *handlers) saveReportTexts(c *fiber.Ctx) error {
	from, to, _, problems := h.reportPeriod(c)
	if err := problems.Err(); err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	typed := map[string]string{}
	for _, part := range report.Parts {
		if r.Has("text_" + part) { // a part the form did not send is left as it is, never emptied
			typed[part] = r.Text("text_"+part, reporttext.MaxChars)
		}
	}
	if p := r.Problems(); len(p) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.reportPage(c, typed, p)
	}
	period := report.Period{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}
	changed, err := h.ReportTexts.Save(c.UserContext(), period, typed)
	if e := errs.As(err, errs.Conflict, errs.Invalid); e != nil {
		c.Status(fiber.StatusConflict)
		if errs.Is(err, errs.Invalid) {
			c.Status(fiber.StatusUnprocessableEntity)
		}
		return h.reportPage(c, typed, errs.Validation{"texts": e.Message})
	}
	if err != nil {
		return err
	}
	message := "docx.texts.saved"
	if len(changed) == 0 {
		message = "docx.texts.unchanged"
	}
	return h.web.Done(c, message, "/admin/report?"+reportQuery(c)+"#texts-title")
}
