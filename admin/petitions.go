package admin

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/petition"
	"github.com/hromada/hromada/internal/web"
)

// petitionQueue shows what waits for moderators (most urgent first) and what waits for an answer.
func (h *handlers) petitionQueue(c *fiber.Ctx) error {
	queue, err := h.Petitions.ModerationQueue(c.UserContext())
	if err != nil {
		return err
	}
	considering, err := h.Petitions.UnderConsideration(c.UserContext())
	if err != nil {
		return err
	}
	overdue := map[int64]bool{}
	for i := range queue {
		overdue[queue[i].ID] = h.Petitions.ModerationOverdue(&queue[i])
	}
	return c.Render("admin/petition_queue", fiber.Map{
		"Title": h.web.TextsOf(c).T("admin.petitions.title"), "Queue": queue, "Considering": considering, "Overdue": overdue,
	})
}

func (h *handlers) petition(c *fiber.Ctx) error {
	return h.renderPetition(c, moderationForm{}, nil)
}

// moderationForm is what a moderator typed in the petition's forms, kept when one is refused.
type moderationForm struct {
	Reason, RejectText, Title, Text, AnswerKind, AnswerText string
}

func readModerationForm(r *form.Reader) moderationForm {
	return moderationForm{Reason: r.Line("reason", form.MaxLine), RejectText: r.Text("reject_text", form.MaxText),
		Title: r.Line("title", form.MaxLine), Text: r.Text("text", form.MaxText),
		AnswerKind: r.Line("answer_kind", form.MaxLine), AnswerText: r.Text("answer_text", form.MaxText)}
}

func (h *handlers) renderPetition(c *fiber.Ctx, f moderationForm, fields map[string]string) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Petitions.Get(c.UserContext(), id, 0, true)
	if err != nil {
		return err
	}
	// The staff page shows the author's contacts: opening it is logged like an appeal's card.
	if err := h.Audit.Opened(c.UserContext(), "petition", p.ID, ""); err != nil {
		return err
	}
	history, err := h.Petitions.History(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	count, err := h.Petitions.Count(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.Render("admin/petition", fiber.Map{
		"Title": p.Title, "Petition": p, "History": history, "Count": count, "Errors": fields,
		"Reasons": petition.RejectionReasons,
		"Reason":  f.Reason, "RejectText": f.RejectText, "AnswerKind": f.AnswerKind, "AnswerText": f.AnswerText,
	})
}

// petitionAction runs one moderation or consideration step and returns to the petition; a refused form
// comes back with what was typed and the reason beside the field.
func (h *handlers) petitionAction(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	staff := personID(c)
	ctx := c.UserContext()
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	f := readModerationForm(r)
	if problems := r.Problems(); len(problems) > 0 {
		// Named as the page names its fields: the refusal's explanation is "text", as the domain reports it,
		// so the correction's text is "ctext".
		rename := map[string]string{"reject_text": "text", "text": "ctext"}
		shown := errs.Validation{}
		for field, msg := range problems {
			if to, ok := rename[field]; ok {
				field = to
			}
			shown.Add(field, msg)
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPetition(c, f, shown)
	}
	switch c.Params("action") {
	case "publish":
		key, kerr := h.authorKey(c, id)
		if kerr != nil {
			return kerr
		}
		err = h.Petitions.Publish(ctx, id, staff, key)
	case "reject":
		err = h.Petitions.Reject(ctx, id, staff, f.Reason, f.RejectText)
	case "correct":
		err = h.Petitions.Correct(ctx, id, staff, f.Title, f.Text)
	case "answer":
		err = h.Petitions.Answer(ctx, id, staff, f.AnswerKind, f.AnswerText,
			web.OptionalUpload(c, "answer_file"))
	default:
		return errs.New(errs.NotFound, "error.not_found")
	}
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		fields := invalid.Fields
		if msg, ok := fields["text"]; ok && c.Params("action") == "correct" {
			fields = errs.Validation{"ctext": msg} // beside the correction's text, not the refusal's
			if t, ok := invalid.Fields["title"]; ok {
				fields["title"] = t
			}
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPetition(c, f, fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("petition "+c.Params("action"), "petition_id", id, "by_person_id", staff)
	return h.web.Done(c, "admin.petitions.done."+c.Params("action"), fmt.Sprintf("/admin/petitions/%d", id))
}

// authorKey is the author's signer key, so that publication adds the author's own signature.
func (h *handlers) authorKey(c *fiber.Ctx, id int64) (string, error) {
	p, err := h.Petitions.Get(c.UserContext(), id, 0, true)
	if err != nil {
		return "", err
	}
	author, err := h.People.Person(c.UserContext(), p.AuthorPersonID)
	if err != nil {
		return "", err
	}
	if author.TaxIDHash == nil {
		return "", nil
	}
	return *author.TaxIDHash, nil
}
