package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/web"
)

// settlementForm is a settlement's form as typed, kept to show it again when it is refused.
type settlementForm struct {
	NameUK, NameEN, Kind, District string
}

func (f settlementForm) input() settlement.Input {
	return settlement.Input{NameUK: f.NameUK, NameEN: f.NameEN, Kind: f.Kind, District: f.District}
}

// readSettlementForm reads the form at the edge: text lines, the kind within the classifier's list.
func (h *handlers) readSettlementForm(c *fiber.Ctx) (settlementForm, errs.Validation, error) {
	r, err := web.ReadForm(c)
	if err != nil {
		return settlementForm{}, nil, err
	}
	f := settlementForm{NameUK: r.Line("name_uk", form.MaxLine), NameEN: r.Line("name_en", form.MaxLine),
		Kind: r.Code("kind", h.Settlements.Kinds().Has), District: r.Line("district", form.MaxLine)}
	problems := r.Problems()
	if problems["kind"] == form.Choose {
		problems["kind"] = "settlement.error.kind"
	}
	return f, problems, nil
}

// settlements lists the community's settlements with a form to add one (admin): what appeals are
// counted by, and what their addresses are matched against.
func (h *handlers) settlements(c *fiber.Ctx) error {
	return h.renderSettlements(c, settlementForm{}, nil)
}

func (h *handlers) renderSettlements(c *fiber.Ctx, f settlementForm, fields map[string]string) error {
	list, err := h.Settlements.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	return c.Render("admin/settlements", fiber.Map{
		"Title":       h.web.TextsOf(c).T("admin.settlements.title"),
		"Settlements": list,
		"Kinds":       h.Settlements.Kinds(),
		"Form":        f,
		"Errors":      fields,
	})
}

// createSettlement adds a settlement; a refused form comes back with what was typed and the reason
// beside the field.
func (h *handlers) createSettlement(c *fiber.Ctx) error {
	f, problems, err := h.readSettlementForm(c)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSettlements(c, f, problems)
	}
	st, err := h.Settlements.Create(c.UserContext(), f.input())
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSettlements(c, f, invalid.Fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("settlement created", "settlement_id", st.ID, "by_person_id", personID(c))
	return h.web.Done(c, "admin.settlements.created", "/admin/settlements")
}

// editSettlement is one settlement's form, filled in with what it holds.
func (h *handlers) editSettlement(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	st, err := h.Settlements.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderSettlement(c, st, settlementForm{NameUK: st.NameUK, NameEN: st.NameEN, Kind: st.Kind, District: st.District}, nil)
}

func (h *handlers) renderSettlement(c *fiber.Ctx, st *settlement.Settlement, f settlementForm, fields map[string]string) error {
	return c.Render("admin/settlement", fiber.Map{
		"Title":      st.Name(web.LangOf(c)),
		"Settlement": st,
		"Kinds":      h.Settlements.Kinds(),
		"Form":       f,
		"Errors":     fields,
	})
}

// updateSettlement saves a settlement's names, kind and district; appeals already counted there follow.
func (h *handlers) updateSettlement(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	st, err := h.Settlements.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	f, problems, err := h.readSettlementForm(c)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		err = h.Settlements.Update(c.UserContext(), id, f.input())
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSettlement(c, st, f, problems)
	}
	h.Log.Info("settlement changed", "settlement_id", id, "by_person_id", personID(c))
	return h.web.Done(c, "admin.settlements.saved", "/admin/settlements")
}

// setSettlementActive stops offering a settlement and matching it in addresses, or starts again.
func (h *handlers) setSettlementActive(c *fiber.Ctx) error {
	return h.setActive(c, "settlement", h.Settlements.SetActive, "/admin/settlements")
}

// settlementChoice reads a settlement chosen in a form or a filter: an id within the list, "" for none.
func settlementChoice(r *form.Reader, field string, choices interface{ Has(string) bool }) *int64 {
	v := r.Code(field, choices.Has)
	if v == "" {
		return nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil
	}
	return &id
}
