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

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
	"github.com/hromada/hromada/portal"
)

// staffAppealForm is the form a registrar fills in for an appeal received by any channel but the
// portal, kept as typed to show it again when it is refused.
type staffAppealForm struct {
	portal.AppealForm
	Channel, ExternalRef, ReceivedAt string
	Nature, Signers                  string
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
		AppealForm: portal.AppealForm{Questions: make([]registry.QuestionInput, 2)},
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
	values, files, err := web.FormWithFiles(c, "attachments")
	if err != nil {
		return err
	}
	form := readStaffAppealForm(values)
	if c.FormValue("action") == "add_question" {
		form.AddQuestion()
		form.HadFiles = len(files) > 0
		return h.renderStaffAppealForm(c, form, nil)
	}
	registrar := web.PersonOf(c).ID
	in := form.Input(files)
	in.Channel, in.RegisteredBy, in.ExternalRef, in.Nature = form.Channel, &registrar, form.ExternalRef, form.Nature
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

// readStaffAppealForm reads the registrar's form: the appeal's fields and the receipt details.
func readStaffAppealForm(values url.Values) staffAppealForm {
	get := func(k string) string { return strings.TrimSpace(values.Get(k)) }
	f := staffAppealForm{AppealForm: portal.ReadAppealForm(values),
		Channel: get("channel"), ExternalRef: get("external_ref"), ReceivedAt: get("received_at"),
		Nature: get("nature"), Signers: get("signers")}
	if f.Channel == registry.ChannelPortal {
		f.Channel = "" // the portal's appeals are the citizens' own: refused as "choose from the list"
	}
	return f
}
