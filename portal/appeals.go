package portal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/appealform"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/paper"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// spareQuestions is how many question rows the form offers; "add a question" adds one more without
// JavaScript by sending the form back with what was typed.
const spareQuestions = 1

// newAppeal shows the appeal form: with the person's draft when one waits (back from "check your
// answers" through a "змінити" link, or after an interruption), otherwise filled in from the identity.
func (h *handlers) newAppeal(c *fiber.Ctx) error {
	p := web.PersonOf(c)
	f, files, err := h.draft(c)
	if errs.Is(err, errs.NotFound) {
		f = appealform.Form{
			LastName: p.LastName, FirstName: p.FirstName, Patronymic: p.Patronymic,
			Address: p.Address, Email: p.Email, Phone: p.Phone,
			Questions: make([]registry.QuestionInput, 1+spareQuestions),
		}
		return h.renderAppealForm(c, f, nil, nil, "")
	}
	if err != nil {
		return err
	}
	return h.renderAppealForm(c, f, files, nil, "")
}

// draft is the person's draft: the form as it was typed and the files kept with it (NotFound: none).
func (h *handlers) draft(c *fiber.Ctx) (appealform.Form, []registry.DraftFile, error) {
	d, err := h.Registry.DraftOf(c.UserContext(), web.PersonOf(c).ID)
	if err != nil {
		return appealform.Form{}, nil, err
	}
	var f appealform.Form
	if err := json.Unmarshal(d.Form, &f); err != nil {
		return appealform.Form{}, nil, fmt.Errorf("the draft's form: %w", err)
	}
	if len(f.Questions) == 0 {
		f.Questions = make([]registry.QuestionInput, 1)
	}
	return f, d.Files, nil
}

// renderAppealForm shows the form with what was typed, the files already kept, the problems beside their
// fields, and refused, when set, as the reason the whole form was not taken.
func (h *handlers) renderAppealForm(c *fiber.Ctx, f appealform.Form, files []registry.DraftFile, fields map[string]string, refused string) error {
	l := h.web.TextsOf(c)
	return c.Render("portal/appeal_new", fiber.Map{
		"Title":          l.T("appeal.new.title"),
		"Form":           f,
		"Kept":           files,
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

// createAppeal takes the filled-in form to "check your answers". Whatever was sent is kept as the
// person's draft first, files included (stored now, so neither "add a question", a refused form nor
// "змінити" ever asks for them again); a form with problems comes back with each beside its field, a
// good one redirects (POST, redirect, GET) to the check page. Nothing is registered here.
func (h *handlers) createAppeal(c *fiber.Ctx) error {
	person := web.PersonOf(c)
	values, uploads, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return err
	}
	r := form.New(values)
	f := appealform.Read(r)
	files, err := h.keptFiles(c, r)
	if err != nil {
		return err
	}
	stored, err := h.Registry.StoreDraftFiles(uploads)
	fileProblems := map[string]string(nil)
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		fileProblems = invalid.Fields
	} else if err != nil {
		return err
	}
	// One file over the limit is enough for the form to say so; the draft never holds more.
	if files = append(files, stored...); len(files) > h.Config.MaxAttachments+1 {
		files = files[:h.Config.MaxAttachments+1]
	}
	if err := h.saveDraft(c, f, files); err != nil {
		return err
	}
	if values.Get("action") == "add_question" {
		f.AddQuestion()
		return h.renderAppealForm(c, f, files, appealform.Merge(r.Problems(), fileProblems), "")
	}
	in := f.Input(h.Registry.DraftUploads(files))
	in.Channel, in.PersonID = registry.ChannelPortal, &person.ID
	// Every problem at once: the edge's (characters that cannot be read, a file refused) and the
	// registry's (content).
	problems := appealform.Merge(appealform.ContentProblems(h.Registry, in), appealform.Merge(r.Problems(), fileProblems))
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAppealForm(c, f, files, problems, "")
	}
	return c.Redirect("/appeals/check", fiber.StatusSeeOther)
}

// keptFiles are the draft's files the form still ticks ("keep_files", by their hash); a hash the draft
// does not have is nothing.
func (h *handlers) keptFiles(c *fiber.Ctx, r *form.Reader) ([]registry.DraftFile, error) {
	_, files, err := h.draft(c)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keep := r.Lines("keep_files", 64)
	return slices.DeleteFunc(files, func(f registry.DraftFile) bool { return !slices.Contains(keep, f.SHA256) }), nil
}

func (h *handlers) saveDraft(c *fiber.Ctx, f appealform.Form, files []registry.DraftFile) error {
	f.HadFiles = false // the files are the draft's now
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return h.Registry.SaveDraft(c.UserContext(), web.PersonOf(c).ID, registry.Draft{Form: data, Files: files})
}

// checkAnswers is "check your answers": the draft as it will be registered, each part with a "змінити"
// link back to its field in the form, and "Надіслати". Without a draft there is nothing to check.
func (h *handlers) checkAnswers(c *fiber.Ctx) error {
	f, files, err := h.draft(c)
	if errs.Is(err, errs.NotFound) {
		return c.Redirect("/appeals/new", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	return h.renderCheck(c, f, files, "")
}

func (h *handlers) renderCheck(c *fiber.Ctx, f appealform.Form, files []registry.DraftFile, refused string) error {
	return c.Render("portal/appeal_check", fiber.Map{
		"Title":          h.web.TextsOf(c).T("check.title"),
		"Form":           f,
		"Files":          files,
		"Refused":        refused,
		"Types":          h.Classifier.Types,
		"Subjects":       h.Classifier.Subjects,
		"Categories":     h.Classifier.Categories,
		"SocialStatuses": h.Classifier.SocialStatuses,
		"Genders":        h.Classifier.Genders,
	})
}

// sendAppeal registers the checked draft and shows the confirmation (POST, redirect, GET).
//
// Filing is limited per account and per address (HROMADA_LIMIT_APPEAL, HROMADA_LIMIT_APPEAL_IP): every
// appeal is registered with a legal deadline that staff must meet, so a script must not fill the
// registry. Only a send of a draft that passes the content checks counts, so correcting a form or adding
// a question costs nothing; one over the limit gets 429 with the check page and the draft kept. The draft
// is deleted in the registering transaction: a second click finds it gone and is sent to the list.
func (h *handlers) sendAppeal(c *fiber.Ctx) error {
	person := web.PersonOf(c)
	f, files, err := h.draft(c)
	if errs.Is(err, errs.NotFound) {
		return h.web.Done(c, registry.ErrDraftGone, "/appeals")
	}
	if err != nil {
		return err
	}
	in := f.Input(h.Registry.DraftUploads(files))
	in.Channel, in.PersonID, in.FromDraft = registry.ChannelPortal, &person.ID, true
	if problems := appealform.ContentProblems(h.Registry, in); len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAppealForm(c, f, files, problems, "")
	}
	wait, err := h.web.OverLimit(c, byAccount("appeal", h.Config.Limits.Appeal), byIP("appeal", h.Config.Limits.AppealIP))
	if err != nil {
		return err
	}
	if wait > 0 {
		c.Status(fiber.StatusTooManyRequests)
		return h.renderCheck(c, f, files, h.web.TextsOf(c).Tf("appeal.error.too_many_appeals", "Wait", waitText(h.web.TextsOf(c), wait)))
	}
	appeal, err := h.Registry.RegisterAppeal(c.UserContext(), in)
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAppealForm(c, f, files, invalid.Fields, "")
	}
	if gone := errs.As(err, errs.Conflict); gone != nil && gone.Message == registry.ErrDraftGone {
		return h.web.Done(c, registry.ErrDraftGone, "/appeals")
	}
	if err != nil {
		return err
	}
	h.Log.Info("appeal registered", "appeal_id", appeal.ID, "reg_index", appeal.RegIndex, "channel", appeal.Channel)
	return c.Redirect(fmt.Sprintf("/appeals/%d/registered", appeal.ID), fiber.StatusSeeOther)
}

// appealRegistered is the confirmation: the registration index in large type, the deadline, what happens
// next and whether a confirmation went by e-mail.
func (h *handlers) appealRegistered(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	a, err := h.Registry.AppealOfPerson(c.UserContext(), web.PersonOf(c).ID, id)
	if err != nil {
		return err
	}
	mailed, err := h.registrationMailed(c, a)
	if err != nil {
		return err
	}
	return c.Render("portal/appeal_registered", fiber.Map{
		"Title":     h.web.TextsOf(c).T("appeal.registered.title") + " " + a.RegIndex,
		"Appeal":    a,
		"EmailSent": mailed,
		"StatusURL": "/status?index=" + url.QueryEscape(a.RegIndex),
	})
}

// registrationMailed tells whether the registration notice went to the appeal's e-mail: there is one, and
// the person has not turned that optional notice off (notify.Notify writes nothing then).
func (h *handlers) registrationMailed(c *fiber.Ctx, a *registry.Appeal) (bool, error) {
	if a.AuthorEmail == "" || h.Notify == nil {
		return false, nil
	}
	choices, err := h.Notify.Choices(c.UserContext(), web.PersonOf(c).ID)
	if err != nil {
		return false, err
	}
	for _, ch := range choices {
		if ch.Kind == notify.AppealRegistered.Name {
			return ch.Enabled, nil
		}
	}
	return true, nil
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
	return h.renderAppeal(c, id, nil, ratingForm{})
}

// ratingForm is what the rating form held, to show it again with its problems.
type ratingForm struct {
	Satisfied, Comment string
}

// renderAppeal is the citizen's page of their own appeal: the answer first (its date and number, the
// result of each question, the official letter as a PDF, its files, how to contest it, the rating), then
// the status and the history, then the appeal as it was filed. Someone else's appeal is 404.
func (h *handlers) renderAppeal(c *fiber.Ctx, id int64, problems map[string]string, rf ratingForm) error {
	ctx := c.UserContext()
	person := web.PersonOf(c).ID
	a, err := h.Registry.AppealOfPerson(ctx, person, id)
	if err != nil {
		return err
	}
	letters, err := h.Registry.LettersToAuthor(ctx, person, id)
	if err != nil {
		return err
	}
	var answer *registry.Letter
	for i := range letters {
		if letters[i].Kind == paper.KindAnswer {
			answer = &letters[i]
		}
	}
	rating, rated, err := h.Registry.RatingOf(ctx, id)
	if err != nil {
		return err
	}
	return c.Render("portal/appeal_show", fiber.Map{
		"Title":        h.web.TextsOf(c).Tf("appeal.show.title", "Index", a.RegIndex),
		"Appeal":       a,
		"Letters":      letters,
		"AnswerLetter": answer,
		"Rating":       rating,
		"Rated":        rated,
		"RatingForm":   rf,
		"Errors":       problems,
		"Contestable":  a.Status == registry.StatusAnswered || a.Status == registry.StatusNotConsidered,
		"Types":        h.Classifier.Types,
		"Subjects":     h.Classifier.Subjects,
		"Channels":     h.Classifier.Channels,
		"Categories":   h.Classifier.Categories,
		"Results":      h.Classifier.Results,
	})
}

// rateAnswer keeps the author's rating of the answer (satisfied or not, an optional comment), once.
func (h *handlers) rateAnswer(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	rf := ratingForm{
		Satisfied: r.Code("satisfied", func(v string) bool { return v == "yes" || v == "no" }),
		Comment:   r.Text("comment", registry.MaxRatingComment),
	}
	problems := r.Problems()
	if rf.Satisfied == "" && problems["satisfied"] == "" {
		problems.Add("satisfied", "rating.error.choose")
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderAppeal(c, id, problems, rf)
	}
	err = h.Registry.RateAnswer(c.UserContext(), web.PersonOf(c).ID, id, rf.Satisfied == "yes", rf.Comment)
	if conflict := errs.As(err, errs.Conflict); conflict != nil {
		return h.web.Done(c, conflict.Message, fmt.Sprintf("/appeals/%d#rating", id))
	}
	if err != nil {
		return err
	}
	return h.web.Done(c, "rating.thanks", fmt.Sprintf("/appeals/%d#rating", id))
}

// appealLetter sends one of the letters written to the author of the person's own appeal (the answer,
// an acknowledgement, an extension ...) as the PDF the office printed or e-mailed: our own document, so
// it opens in the browser.
func (h *handlers) appealLetter(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	letterID, err := web.ParamID(c, "letter")
	if err != nil {
		return err
	}
	l, err := h.Registry.LetterToAuthor(c.UserContext(), web.PersonOf(c).ID, id, letterID)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := paper.WriteLetters(&b, []paper.Letter{l.Paper()}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="%s"`, l.FileName()))
	return c.Send(b.Bytes())
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
