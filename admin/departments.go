package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/web"
)

// departments lists the council's departments with a form to add one.
func (h *handlers) departments(c *fiber.Ctx) error {
	return h.renderDepartments(c, "", "", nil)
}

func (h *handlers) renderDepartments(c *fiber.Ctx, nameUK, nameEN string, fields map[string]string) error {
	list, err := h.Departments.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	return c.Render("admin/departments", fiber.Map{
		"Title":       h.web.TextsOf(c).T("admin.departments.title"),
		"Departments": list,
		"Errors":      fields,
		"NameUK":      nameUK,
		"NameEN":      nameEN,
	})
}

// createDepartment adds a department; a refused form comes back with what was typed and the reason
// beside the field.
func (h *handlers) createDepartment(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	nameUK, nameEN := r.Line("name_uk", form.MaxLine), r.Line("name_en", form.MaxLine)
	if problems := r.Problems(); len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderDepartments(c, nameUK, nameEN, problems)
	}
	d, err := h.Departments.Create(c.UserContext(), nameUK, nameEN)
	if invalid := errs.As(err, errs.Invalid); invalid != nil {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderDepartments(c, nameUK, nameEN, invalid.Fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("department created", "department_id", d.ID, "by_person_id", personID(c))
	return h.web.Done(c, "admin.departments.created", "/admin/departments")
}

// setDepartmentActive stops offering a department for new appeals, or offers it again.
func (h *handlers) setDepartmentActive(c *fiber.Ctx) error {
	return h.setActive(c, "department", h.Departments.SetActive, "/admin/departments")
}

// setActive switches a list's row (a department, a settlement) off or on again. The form says which
// (active=true or false), so a repeated click does not flip it back; the page says which was done.
func (h *handlers) setActive(c *fiber.Ctx, what string, set func(context.Context, int64, bool) error, back string) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	active := r.Line("active", form.MaxLine) == "true"
	if err := set(c.UserContext(), id, active); err != nil {
		return err
	}
	h.Log.Info(what+" active changed", what+"_id", id, "active", active, "by_person_id", personID(c))
	msg := "admin." + what + "s.deactivated"
	if active {
		msg = "admin." + what + "s.activated"
	}
	return h.web.Done(c, msg, back)
}
