package admin

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
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
	return h.renderPetition(c, nil)
}

func (h *handlers) renderPetition(c *fiber.Ctx, fields map[string]string) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	p, err := h.Petitions.Get(c.UserContext(), int64(id), 0, true)
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
		"Reason":  c.FormValue("reason"), "RejectText": c.FormValue("reject_text"),
		"AnswerKind": c.FormValue("answer_kind"), "AnswerText": c.FormValue("answer_text"),
	})
}

// petitionAction runs one moderation or consideration step and returns to the petition; a refused form
// comes back with what was typed and the reason beside the field.
func (h *handlers) petitionAction(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil {
		return errs.New(errs.NotFound, "error.not_found")
	}
	staff := personID(c)
	ctx := c.UserContext()
	switch c.Params("action") {
	case "publish":
		key, kerr := h.authorKey(c, int64(id))
		if kerr != nil {
			return kerr
		}
		err = h.Petitions.Publish(ctx, int64(id), staff, key)
	case "reject":
		err = h.Petitions.Reject(ctx, int64(id), staff, c.FormValue("reason"), c.FormValue("reject_text"))
	case "correct":
		err = h.Petitions.Correct(ctx, int64(id), staff, c.FormValue("title"), c.FormValue("text"))
	case "answer":
		err = h.Petitions.Answer(ctx, int64(id), staff, c.FormValue("answer_kind"), c.FormValue("answer_text"),
			web.OptionalUpload(c, "answer_file"))
	default:
		return errs.New(errs.NotFound, "error.not_found")
	}
	var invalid *errs.Error
	if errors.As(err, &invalid) && invalid.Code == errs.Invalid {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPetition(c, invalid.Fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("petition "+c.Params("action"), "petition_id", id, "by_person_id", staff)
	if err := h.web.SetFlash(c, "admin.petitions.done."+c.Params("action")); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/admin/petitions/%d", id), fiber.StatusSeeOther)
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
