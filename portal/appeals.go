package portal

import (
	"fmt"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/appealform"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// spareQuestions is how many question rows the form offers; "add a question" adds one more without
// JavaScript by sending the form back with what was typed.
const spareQuestions = 1

func (h *handlers) newAppeal(c *fiber.Ctx) error {
	p := web.PersonOf(c)
	f := appealform.Form{
		LastName: p.LastName, FirstName: p.FirstName, Patronymic: p.Patronymic,
		Address: p.Address, Email: p.Email, Phone: p.Phone,
		Questions: make([]registry.QuestionInput, 1+spareQuestions),
	}
	return h.renderAppealForm(c, f, nil, "")
}

// renderAppealForm shows the form with what was typed, the problems beside their fields, and refused,
// when set, as the reason the whole form was not taken.
func (h *handlers) renderAppealForm(c *fiber.Ctx, f appealform.Form, fields map[string]string, refused string) error {
	l := h.web.TextsOf(c)
	return c.Render("portal/appeal_new", fiber.Map{
		"Title":          l.T("appeal.new.title"),
		"Form":           f,
		"Refused":        refused,
		"Errors":         fields,
		"Problems":       appealform.Problems(l, fields, len(f.Questions)),
		"Types":          h.Classifier.Types,
		"Subjects":       h.Classifier.Subjects,
		"Categories":     h.Classifier.Categories,
		"SocialStatuses": h.Classifier.SocialStatuses,
		"Genders":        h.Classifier.Genders,
		"MaxFiles":       h.Config.MaxAttachments,
		"MaxFileMB":      h.Config.MaxAttachmentBytes >> 20,
	})
}

// createAppeal registers the appeal, or shows the form again with every problem beside its field and
// everything the person typed kept. Success redirects (POST, redirect, GET) to the appeal's page.
//
// Filing is limited per account and per address (HROMADA_LIMIT_APPEAL, HROMADA_LIMIT_APPEAL_IP): every
// appeal is registered with a legal deadline that staff must meet, so a script must not fill the
// registry. Only a filing that passes the content checks counts, so correcting a refused form or adding
// a question costs nothing; one over the limit gets 429 with the form and what was typed still in it.
func (h *handlers) createAppeal(c *fiber.Ctx) error {
	person := web.PersonOf(c)
	values, files, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return err
	}
	r := form.New(values)
	f := appealform.Read(r)
	f.HadFiles = len(files) > 0
	if values.Get("action") == "add_question" {
		f.AddQuestion()
		return h.renderAppealForm(c, f, r.Problems(), "")
	}
	in := f.Input(files)
	in.Channel, in.PersonID = registry.ChannelPortal, &person.ID
	// Every problem at once: the edge's (characters that cannot be read) and the registry's (content).
	if problems := appealform.Merge(r.Problems(), appealform.ContentProblems(h.Registry, in)); len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAppealForm(c, f, problems, "")
	}
	wait, err := h.web.OverLimit(c, byAccount("appeal", h.Config.Limits.Appeal), byIP("appeal", h.Config.Limits.AppealIP))
	if err != nil {
		return err
	}
	if wait > 0 {
		c.Status(fiber.StatusTooManyRequests)
		return h.renderAppealForm(c, f, nil, h.web.TextsOf(c).Tf("appeal.error.too_many_appeals", "Wait", waitText(h.web.TextsOf(c), wait)))
	}
	appeal, err := h.Registry.RegisterAppeal(c.UserContext(), in)
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAppealForm(c, f, invalid.Fields, "")
	}
	if err != nil {
		return err
	}
	h.Log.Info("appeal registered", "appeal_id", appeal.ID, "reg_index", appeal.RegIndex, "channel", appeal.Channel)
	return c.Redirect(fmt.Sprintf("/appeals/%d?registered=1", appeal.ID), fiber.StatusSeeOther)
}

// waitText says roughly how long to wait: minutes up to two hours, whole hours beyond.
func waitText(l *i18n.L, d time.Duration) string {
	if d <= 2*time.Hour {
		return l.Tf("wait.minutes", "N", int(math.Ceil(d.Minutes())))
	}
	return l.Tf("wait.hours", "N", int(math.Ceil(d.Hours())))
}

func (h *handlers) myAppeals(c *fiber.Ctx) error {
	list, err := h.Registry.AppealsOfPerson(c.UserContext(), web.PersonOf(c).ID)
	if err != nil {
		return err
	}
	return c.Render("portal/appeal_list", fiber.Map{
		"Title":    h.web.TextsOf(c).T("appeals.title"),
		"Appeals":  list,
		"Types":    h.Classifier.Types,
		"Subjects": h.Classifier.Subjects,
	})
}

func (h *handlers) showAppeal(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.Registry.AppealOfPerson(c.UserContext(), web.PersonOf(c).ID, id)
	if err != nil {
		return err
	}
	return c.Render("portal/appeal_show", fiber.Map{
		"Title":          a.RegIndex,
		"Appeal":         a,
		"JustRegistered": c.Query("registered") == "1",
		"Types":          h.Classifier.Types,
		"Subjects":       h.Classifier.Subjects,
		"Channels":       h.Classifier.Channels,
		"Categories":     h.Classifier.Categories,
		"Results":        h.Classifier.Results,
	})
}

// appealAttachment sends a file of the citizen's own appeal as a download, never inline: a file is
// only as safe as its sniffed type, and a download cannot run in our origin.
func (h *handlers) appealAttachment(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	fileID, err := web.ParamID(c, "file")
	if err != nil {
		return err
	}
	att, f, err := h.Registry.AttachmentOfPerson(c.UserContext(), web.PersonOf(c).ID, id, fileID)
	if err != nil {
		return err
	}
	return web.SendDownload(c, att.FileName, att.ContentType, att.SizeBytes, f)
}
