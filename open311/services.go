package open311

import (
	"encoding/xml"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/georeport"
)

// The attributes every service requires, so that a request holds what Art. 5 of the Law on citizens'
// appeals asks of an appeal: the author's surname, name and patronymic (optional) and address of
// residence. The standard's own first_name and last_name fill the names when the attributes are not
// sent; email and phone are the author's contact, one of which an e-appeal needs.
const (
	attrLastName   = "last_name"
	attrFirstName  = "first_name"
	attrPatronymic = "patronymic"
	attrResidence  = "residence_address"
)

// authorAttributes are the attributes in their order, with whether each is required.
var authorAttributes = []struct {
	code     string
	required bool
}{{attrLastName, true}, {attrFirstName, true}, {attrPatronymic, false}, {attrResidence, true}}

type serviceList struct {
	XMLName  xml.Name      `json:"-" xml:"services"`
	Services []serviceItem `xml:"service"`
}

type serviceItem struct {
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Metadata    bool   `json:"metadata" xml:"metadata"`
	Type        string `json:"type" xml:"type"`
	Keywords    string `json:"keywords" xml:"keywords"`
	Group       string `json:"group" xml:"group"`
}

type serviceDefinition struct {
	XMLName     xml.Name    `json:"-" xml:"service_definition"`
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []attribute `json:"attributes" xml:"attributes>attribute"`
}

type attribute struct {
	Variable            bool    `json:"variable" xml:"variable"`
	Code                string  `json:"code" xml:"code"`
	Datatype            string  `json:"datatype" xml:"datatype"`
	Required            bool    `json:"required" xml:"required"`
	DatatypeDescription string  `json:"datatype_description" xml:"datatype_description"`
	Order               int     `json:"order" xml:"order"`
	Description         string  `json:"description" xml:"description"`
	Values              []value `json:"values,omitempty" xml:"values>value,omitempty"`
}

type value struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// services lists the council's active public services. Every one has metadata: the author's attributes
// the law requires.
func (h *handlers) services(c *fiber.Ctx) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	list, err := h.Services.List(c.UserContext(), true)
	if err != nil {
		return err
	}
	lang := h.web.TextsOf(c).Lang()
	out := serviceList{Services: []serviceItem{}}
	for _, s := range list {
		out.Services = append(out.Services, serviceItem{ServiceCode: s.Code, ServiceName: s.Name(lang),
			Description: s.Description(lang), Metadata: true, Type: "realtime", Keywords: h.subjectName(s, lang),
			Group: s.Group(lang)})
	}
	if formatOf(c) == formatXML {
		return send(c, fiber.StatusOK, out)
	}
	return send(c, fiber.StatusOK, out.Services)
}

// subjectName is the classifier's subject of the service, offered to clients as its keywords.
func (h *handlers) subjectName(s georeport.Service, lang string) string {
	return h.Classifier.Subjects.Name(s.SubjectCode, lang)
}

// serviceDefinition is one active service's attributes.
func (h *handlers) serviceDefinition(c *fiber.Ctx) error {
	if err := checkFormat(c); err != nil {
		return err
	}
	code, problem := form.Check(c.Params("code"), false, georeport.MaxCode)
	if problem != "" {
		return errs.New(errs.NotFound, "open311.error.unknown_service")
	}
	s, err := h.Services.ByCode(c.UserContext(), code)
	if err != nil {
		return err
	}
	l := h.web.TextsOf(c)
	def := serviceDefinition{ServiceCode: s.Code}
	for i, a := range authorAttributes {
		def.Attributes = append(def.Attributes, attribute{Variable: true, Code: a.code, Datatype: "string",
			Required: a.required, DatatypeDescription: l.T("open311.attribute." + a.code + ".format"), Order: i + 1,
			Description: l.T("open311.attribute." + a.code)})
	}
	return send(c, fiber.StatusOK, def)
}
