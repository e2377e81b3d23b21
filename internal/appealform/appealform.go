// Package appealform is the appeal form both areas show and read: the citizen's e-appeal on the portal
// and the registrar's registration form in the staff area share its fields, its templates
// ("appealform/body", the form's fields; "appealform/content", an appeal as read) and the way it is read.
// Reading checks every value at the edge (form.Reader); the appeal's content rules are the registry's.
package appealform

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/hromada/hromada/internal/attachment"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/web"
)

//go:embed views/*.html
var views embed.FS

// Views are the form's templates, named "appealform/<file>".
func Views() fs.FS { return web.ViewsOf(views) }

// Form is the appeal's fields as the person filled them in, re-shown when the form is refused.
type Form struct {
	LastName, FirstName, Patronymic string
	Address, Email, Phone           string
	Gender, SocialStatus, Category  string
	Type                            string
	Questions                       []registry.QuestionInput
	Summary                         string
	Consent                         bool
	HadFiles                        bool // files were sent with a refused form: browsers cannot re-fill them
}

// Read reads the appeal's fields. Values that cannot be read are problems of r under the names the
// templates show them by (a question's text is "questions.N.text"); lengths and codes are the registry's
// to judge, so the edge bounds them only.
func Read(r *form.Reader) Form {
	line := func(field string) string { return r.Line(field, form.MaxLine) }
	f := Form{
		LastName: line("last_name"), FirstName: line("first_name"), Patronymic: line("patronymic"),
		Address: line("address"), Email: line("email"), Phone: line("phone"),
		Gender: line("gender"), SocialStatus: line("social_status"), Category: line("categories"),
		Type: line("type"), Summary: r.Text("summary", form.MaxText), Consent: line("consent") == "yes",
	}
	n, ok := r.Int("questions", 1, registry.MaxQuestions)
	if !ok {
		n = 1
	}
	for i := range int(n) {
		subject, text := fmt.Sprintf("q%d_subject", i), fmt.Sprintf("q%d_text", i)
		f.Questions = append(f.Questions, registry.QuestionInput{SubjectCode: line(subject), Text: line(text)})
		r.Rename(subject, fmt.Sprintf("questions.%d.subject", i))
		r.Rename(text, fmt.Sprintf("questions.%d.text", i))
	}
	return f
}

// Name is the author's full name as typed ("Прізвище Ім'я По батькові"), for the check page.
func (f Form) Name() string {
	return strings.Join(strings.Fields(f.LastName+" "+f.FirstName+" "+f.Patronymic), " ")
}

// AddQuestion adds an empty question row (the "add a question" button), up to the limit.
func (f *Form) AddQuestion() {
	if len(f.Questions) < registry.MaxQuestions {
		f.Questions = append(f.Questions, registry.QuestionInput{})
	}
}

// Input is the registration these fields describe; the caller sets the channel and who registers.
func (f Form) Input(files []attachment.Upload) registry.RegisterInput {
	in := registry.RegisterInput{
		LastName: f.LastName, FirstName: f.FirstName, Patronymic: f.Patronymic,
		Address: f.Address, Email: f.Email, Phone: f.Phone,
		Gender: f.Gender, SocialStatus: f.SocialStatus,
		Type: f.Type, Questions: append([]registry.QuestionInput(nil), f.Questions...),
		Summary: f.Summary, Consent: f.Consent, Attachments: files,
	}
	if f.Category != "" {
		in.Categories = []string{f.Category}
	}
	return in
}

// fieldOrder is the order of the form's fields, for the list of problems at its top.
var fieldOrder = []string{"last_name", "first_name", "patronymic", "address", "email", "phone", "categories",
	"social_status", "gender", "type", "questions", "summary", "attachments", "consent"}

// Problem is one entry of the list of problems above a refused form, linking to its field.
type Problem struct{ Anchor, Text string }

// Problems lists the problems of a refused form in the order of its fields, each with the field's label.
func Problems(l *i18n.L, fields map[string]string, questions int) []Problem {
	return ProblemsAround(l, fields, questions, nil, nil)
}

// Field is a field a page adds around the shared ones: its name (the element is f-<Name>) and label.
type Field struct{ Name, Label string }

// ProblemsAround is Problems for a page with fields of its own before and after the shared ones (the
// registrar's receipt details first, the answer's delivery and the sign of receipt last).
func ProblemsAround(l *i18n.L, fields map[string]string, questions int, before, after []Field) []Problem {
	var out []Problem
	add := func(field, label string) {
		if msg, ok := fields[field]; ok {
			out = append(out, Problem{Anchor: "f-" + field, Text: label + ": " + l.T(msg)})
		}
	}
	for _, f := range before {
		add(f.Name, f.Label)
	}
	for _, f := range fieldOrder {
		if f != "questions" {
			add(f, l.T("appeal.field."+f))
			continue
		}
		add("questions", l.T("appeal.section.questions"))
		for i := range questions {
			n := l.Tf("appeal.question_n", "N", i+1)
			add(fmt.Sprintf("questions.%d.subject", i), n+", "+l.T("appeal.field.subject"))
			add(fmt.Sprintf("questions.%d.text", i), n+", "+l.T("appeal.field.question_text"))
		}
	}
	for _, f := range after {
		add(f.Name, f.Label)
	}
	// A problem of a field no list names still gets a line: the summary never hides one.
	listed := map[string]bool{}
	for _, p := range out {
		listed[p.Anchor] = true
	}
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		if !listed["f-"+field] {
			out = append(out, Problem{Anchor: "f-" + field, Text: l.T(fields[field])})
		}
	}
	return out
}

// ContentProblems are the registry's objections to an appeal's content, field → message id (none when
// the content may be registered).
func ContentProblems(reg *registry.Service, in registry.RegisterInput) map[string]string {
	if invalid := errs.As(reg.Check(in), errs.Invalid); invalid != nil {
		return invalid.Fields
	}
	return nil
}

// Merge adds the registry's problems to those found at the edge; the edge's, found first, stay.
func Merge(edge, domain map[string]string) map[string]string {
	out := maps.Clone(domain)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, edge)
	return out
}
