package admin

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

// staffAppealForm is the form a registrar fills in for an appeal received by any channel but the
// portal, kept as typed to show it again when it is refused.
type staffAppealForm struct {
	Channel, ExternalRef, ReceivedAt string
	Nature, Signers                  string
	LastName, FirstName, Patronymic  string
	Address, Email, Phone            string
	Gender, SocialStatus, Category   string
	Type                             string
	Questions                        []registry.QuestionInput
	Summary                          string
	HadFiles                         bool
}

// staffChannels is every channel but the portal's own.
func (h *handlers) staffChannels() classifier.List {
	var out classifier.List
	for _, c := range h.Classifier.Channels {
		if c.Code != registry.ChannelPortal {
			out = append(out, c)
		}
	}
	return out
}

func (h *handlers) newStaffAppeal(c *fiber.Ctx) error {
	f := staffAppealForm{
		ReceivedAt: time.Now().In(h.Timezone).Format("2006-01-02"),
		Nature:     registry.NatureIndividual,
		Questions:  make([]registry.QuestionInput, 2),
	}
	return h.renderStaffAppealForm(c, f, nil)
}

func (h *handlers) renderStaffAppealForm(c *fiber.Ctx, f staffAppealForm, fields map[string]string) error {
	l := h.web.TextsOf(c)
	return c.Render("admin/appeal_new", fiber.Map{
		"Title":          l.T("admin.register.title"),
		"Form":           f,
		"Errors":         fields,
		"Channels":       h.staffChannels(),
		"Natures":        h.Classifier.Natures,
		"Types":          h.Classifier.Types,
		"Subjects":       h.Classifier.Subjects,
		"Categories":     h.Classifier.Categories,
		"SocialStatuses": h.Classifier.SocialStatuses,
		"Genders":        h.Classifier.Genders,
	})
}

// createStaffAppeal registers an appeal on behalf of its author, or shows the form again with every
// problem beside its field. Success redirects to the registration card.
func (h *handlers) createStaffAppeal(c *fiber.Ctx) error {
	form, files, err := readStaffAppealForm(c)
	if err != nil {
		return err
	}
	if c.FormValue("action") == "add_question" {
		if len(form.Questions) < registry.MaxQuestions {
			form.Questions = append(form.Questions, registry.QuestionInput{})
		}
		form.HadFiles = len(files) > 0
		return h.renderStaffAppealForm(c, form, nil)
	}
	registrar := web.PersonOf(c).ID
	in := registry.RegisterInput{
		Channel: form.Channel, RegisteredBy: &registrar, ExternalRef: form.ExternalRef, Nature: form.Nature,
		LastName: form.LastName, FirstName: form.FirstName, Patronymic: form.Patronymic,
		Address: form.Address, Email: form.Email, Phone: form.Phone,
		Gender: form.Gender, SocialStatus: form.SocialStatus,
		Type: form.Type, Questions: append([]registry.QuestionInput(nil), form.Questions...),
		Summary: form.Summary,
	}
	if form.Category != "" {
		in.Categories = []string{form.Category}
	}
	in.Attachments = files
	// What only the form can tell wrong: a date or a number that cannot be read.
	own := errs.Validation{}
	if d, err := time.ParseInLocation("2006-01-02", form.ReceivedAt, h.Timezone); err != nil {
		own.Add("received_at", "admin.appeals.error.date")
	} else if d.Format("2006-01-02") != time.Now().In(h.Timezone).Format("2006-01-02") {
		in.ReceivedAt = d // an earlier day: its start; today: the moment of registration
	}
	if form.Nature == registry.NatureCollective {
		n, err := strconv.Atoi(form.Signers)
		if err != nil {
			own.Add("signers", "appeal.error.signers")
		}
		in.Signers = n
		if err != nil {
			in.Signers = 2 // checked above; let the rest of the form be checked too
		}
	}
	if len(own) > 0 {
		var invalid *errs.Error
		if err := h.Registry.Check(in); errors.As(err, &invalid) {
			maps.Copy(own, invalid.Fields)
		}
		form.HadFiles = len(files) > 0
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaffAppealForm(c, form, own)
	}
	appeal, err := h.Registry.RegisterAppeal(c.UserContext(), in)
	var invalid *errs.Error
	if errors.As(err, &invalid) && invalid.Code == errs.Invalid {
		form.HadFiles = len(files) > 0
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderStaffAppealForm(c, form, invalid.Fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("appeal registered by staff", "appeal_id", appeal.ID, "reg_index", appeal.RegIndex,
		"channel", appeal.Channel, "registrar_id", registrar)
	return c.Redirect(fmt.Sprintf("/admin/appeals/%d?registered=1", appeal.ID), fiber.StatusSeeOther)
}

// readStaffAppealForm reads the form, multipart or not.
func readStaffAppealForm(c *fiber.Ctx) (staffAppealForm, []attachment.Upload, error) {
	values, files, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return staffAppealForm{}, nil, err
	}
	get := func(k string) string { return strings.TrimSpace(values.Get(k)) }
	f := staffAppealForm{
		Channel: get("channel"), ExternalRef: get("external_ref"), ReceivedAt: get("received_at"),
		Nature: get("nature"), Signers: get("signers"),
		LastName: get("last_name"), FirstName: get("first_name"), Patronymic: get("patronymic"),
		Address: get("address"), Email: get("email"), Phone: get("phone"),
		Gender: get("gender"), SocialStatus: get("social_status"), Category: get("categories"),
		Type: get("type"), Summary: values.Get("summary"),
	}
	if f.Channel == registry.ChannelPortal {
		f.Channel = "" // the portal's appeals are the citizens' own: refused as "choose from the list"
	}
	n, err := strconv.Atoi(get("questions"))
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, registry.MaxQuestions)
	for i := range n {
		f.Questions = append(f.Questions, registry.QuestionInput{
			SubjectCode: get(fmt.Sprintf("q%d_subject", i)),
			Text:        values.Get(fmt.Sprintf("q%d_text", i)),
		})
	}
	return f, files, nil
}

// appealCard is the registration card of one appeal, for everyone who works with the registry.
func (h *handlers) appealCard(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	a, err := h.Registry.AppealForStaff(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	department := ""
	if a.DepartmentID != nil {
		deps, err := h.Departments.List(c.UserContext(), false)
		if err != nil {
			return err
		}
		department = departmentNames(deps, web.LangOf(c))[*a.DepartmentID]
	}
	// Who did what on the timeline: event id → the actor's name.
	actors := map[int64]string{}
	names := map[int64]string{}
	for _, e := range a.Events {
		if e.ActorPersonID == nil {
			continue
		}
		name, ok := names[*e.ActorPersonID]
		if !ok {
			p, err := h.People.Person(c.UserContext(), *e.ActorPersonID)
			if err != nil && errs.CodeOf(err) != errs.NotFound {
				return err
			}
			if p != nil {
				name = p.FullName()
			}
			names[*e.ActorPersonID] = name
		}
		actors[e.ID] = name
	}
	return c.Render("admin/appeal_card", fiber.Map{
		"Title":          a.RegIndex,
		"Appeal":         a,
		"JustRegistered": c.Query("registered") == "1",
		"Department":     department,
		"Actors":         actors,
		"Types":          h.Classifier.Types,
		"Natures":        h.Classifier.Natures,
		"Signs":          h.Classifier.Signs,
		"Subjects":       h.Classifier.Subjects,
		"Channels":       h.Classifier.Channels,
		"Categories":     h.Classifier.Categories,
		"SocialStatuses": h.Classifier.SocialStatuses,
		"Genders":        h.Classifier.Genders,
	})
}

// appealAttachment sends a file of an appeal as a download, never inline.
func (h *handlers) appealAttachment(c *fiber.Ctx) error {
	id, err1 := c.ParamsInt("id")
	fileID, err2 := c.ParamsInt("file")
	if err1 != nil || err2 != nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	att, f, err := h.Registry.AttachmentForStaff(c.UserContext(), int64(id), int64(fileID))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, att.ContentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(att.FileName))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendStream(f, int(att.SizeBytes))
}
