package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/georeport"
	"github.com/hromada/hromada/internal/web"
)

// serviceForm is an Open311 service's form as typed, kept to show it again when it is refused.
type serviceForm struct {
	Code, Subject, NameUK, NameEN, DescriptionUK, DescriptionEN, GroupUK, GroupEN, Position string
}

func (f serviceForm) input() georeport.Input {
	pos, _ := strconv.Atoi(f.Position)
	return georeport.Input{Code: f.Code, SubjectCode: f.Subject, NameUK: f.NameUK, NameEN: f.NameEN,
		DescriptionUK: f.DescriptionUK, DescriptionEN: f.DescriptionEN, GroupUK: f.GroupUK, GroupEN: f.GroupEN, Position: pos}
}

func formOfService(s *georeport.Service) serviceForm {
	return serviceForm{Code: s.Code, Subject: s.SubjectCode, NameUK: s.NameUK, NameEN: s.NameEN,
		DescriptionUK: s.DescriptionUK, DescriptionEN: s.DescriptionEN, GroupUK: s.GroupUK, GroupEN: s.GroupEN,
		Position: strconv.Itoa(s.Position)}
}

// readServiceForm reads the form at the edge: lines, texts, the subject within the classifier, the
// position a number.
func (h *handlers) readServiceForm(c *fiber.Ctx) (serviceForm, errs.Validation, error) {
	r, err := web.ReadForm(c)
	if err != nil {
		return serviceForm{}, nil, err
	}
	f := serviceForm{Code: r.Line("code", form.MaxLine), Subject: r.Code("subject", h.Classifier.Subjects.Has),
		NameUK: r.Line("name_uk", form.MaxLine), NameEN: r.Line("name_en", form.MaxLine),
		DescriptionUK: r.Text("description_uk", form.MaxText), DescriptionEN: r.Text("description_en", form.MaxText),
		GroupUK: r.Line("group_uk", form.MaxLine), GroupEN: r.Line("group_en", form.MaxLine),
		Position: r.Line("position", form.MaxLine)}
	if n, ok := r.Int("position", 0, georeport.MaxPosition); ok {
		f.Position = strconv.FormatInt(n, 10)
	}
	problems := r.Problems()
	if problems["position"] != "" {
		problems["position"] = "open311.error.position"
	}
	if problems["subject"] == form.Choose {
		problems["subject"] = "open311.error.subject"
	}
	return f, problems, nil
}

// open311Services lists the public services of Open311 with a form to add one (admin): what a city app
// may report under, each mapped to a subject of the classifier.
func (h *handlers) open311Services(c *fiber.Ctx) error {
	return h.renderServices(c, serviceForm{Position: "0"}, nil)
}

func (h *handlers) renderServices(c *fiber.Ctx, f serviceForm, fields map[string]string) error {
	list, err := h.Services.List(c.UserContext(), false)
	if err != nil {
		return err
	}
	return c.Render("admin/open311_services", fiber.Map{
		"Title":    h.web.TextsOf(c).T("admin.open311.title"),
		"Services": list,
		"Subjects": h.Classifier.Subjects,
		"Form":     f,
		"Errors":   fields,
	})
}

// createOpen311Service adds a service; a refused form comes back with what was typed and the reasons.
func (h *handlers) createOpen311Service(c *fiber.Ctx) error {
	f, problems, err := h.readServiceForm(c)
	if err != nil {
		return err
	}
	if len(problems) == 0 {
		var s *georeport.Service
		s, err = h.Services.Create(c.UserContext(), f.input())
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		} else {
			h.Log.Info("open311 service created", "service_id", s.ID, "by_person_id", personID(c))
		}
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderServices(c, f, problems)
	}
	return h.web.Done(c, "admin.open311.created", "/admin/open311")
}

// editOpen311Service is one service's form, filled in with what it holds.
func (h *handlers) editOpen311Service(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	s, err := h.Services.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.renderService(c, s, formOfService(s), nil)
}

func (h *handlers) renderService(c *fiber.Ctx, s *georeport.Service, f serviceForm, fields map[string]string) error {
	return c.Render("admin/open311_service", fiber.Map{
		"Title":    s.Name(web.LangOf(c)),
		"Service":  s,
		"Subjects": h.Classifier.Subjects,
		"Form":     f,
		"Errors":   fields,
	})
}

// updateOpen311Service saves a service; its code stays as clients know it.
func (h *handlers) updateOpen311Service(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	s, err := h.Services.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	f, problems, err := h.readServiceForm(c)
	if err != nil {
		return err
	}
	f.Code = s.Code
	if len(problems) == 0 {
		err = h.Services.Update(c.UserContext(), id, f.input())
		if invalid := errs.As(err, errs.Invalid); invalid != nil {
			problems = invalid.Fields
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderService(c, s, f, problems)
	}
	h.Log.Info("open311 service changed", "service_id", id, "by_person_id", personID(c))
	return h.web.Done(c, "admin.open311.saved", "/admin/open311")
}

// setOpen311ServiceActive switches a service off (no longer listed, no new requests) or on again.
func (h *handlers) setOpen311ServiceActive(c *fiber.Ctx) error {
	return h.setActive(c, "open311", h.Services.SetActive, "/admin/open311")
}
