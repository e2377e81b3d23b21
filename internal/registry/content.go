package registry

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/errs"
)

// Limits on what an appeal may hold, in characters or items.
const (
	maxNameLen     = 100
	maxAddressLen  = 500
	maxSummaryLen  = 20000
	minSummaryLen  = 10
	maxQuestionLen = 1000
	MaxQuestions   = 20
	maxExternalRef = 100
	MaxSigners     = 100000
)

// Problem codes: what is wrong with one field of an appeal's content. checkContent is the one place the
// content rules live; the registration forms (formErrors) and the import (importParser) say each code in
// their own words, under their own names for the field.
const (
	probRequired        = "required"
	probTooLong         = "too_long"  // limit: the most characters
	probTooShort        = "too_short" // limit: the fewest characters
	probTooMany         = "too_many"  // limit: the most items
	probTooLarge        = "too_large" // a file over the size limit
	probUnknown         = "unknown"   // value: not a code of the field's list
	probNotAllowed      = "not_allowed"
	probDigits          = "digits" // a name with digits
	probEmail           = "email"  // not a bare e-mail address
	probPhone           = "phone"
	probFuture          = "future"  // a date after the council's today
	probSigners         = "signers" // a collective appeal with fewer than 2 or more than MaxSigners signers
	probSingle          = "single"  // an appeal of one author with another number of signers
	probRelatedRequired = "related_required"
	probRelatedPrimary  = "related_primary"
	probNoEmail         = "no_email"    // answers by e-mail asked for, no e-mail given
	probNoAddress       = "no_address"  // answers by post asked for, no postal address given
	probCoordinates     = "coordinates" // a point without both coordinates, or outside the Earth's ranges
)

// Fields of an appeal's content, named as the registration form names them. A question's problems carry
// its position in the input (index); fieldQuestions is the list as a whole.
const (
	fieldChannel         = "channel"
	fieldExternalRef     = "external_ref"
	fieldReceivedAt      = "received_at"
	fieldType            = "type"
	fieldNature          = "nature"
	fieldSigners         = "signers"
	fieldSign            = "sign"
	fieldLastName        = "last_name"
	fieldFirstName       = "first_name"
	fieldPatronymic      = "patronymic"
	fieldAddress         = "address"
	fieldEmail           = "email"
	fieldPhone           = "phone"
	fieldContact         = "contact" // an e-mail or a phone, either will do
	fieldGender          = "gender"
	fieldSocialStatus    = "social_status"
	fieldCategories      = "categories"
	fieldQuestions       = "questions"
	fieldQuestionSubject = "question_subject"
	fieldQuestionText    = "question_text"
	fieldSummary         = "summary"
	fieldConsent         = "consent"
	fieldAttachments     = "attachments"
	fieldReplyBy         = "reply_by"
	fieldPlace           = "place"         // the problem's point: latitude and longitude
	fieldPlaceAddress    = "place_address" // the problem's address
	fieldServiceCode     = "service_code"
)

// problem is one thing wrong with an appeal's content.
type problem struct {
	field string
	code  string
	index int    // the question's position in the input, for the question fields
	value string // the value at fault, where it is one of several (an unknown category)
	limit int    // the bound broken (characters, items)
}

// contentCheck collects the problems of one appeal's content.
type contentCheck struct {
	s  *Service
	in *RegisterInput
	// newAppeal holds the content to the law for a new appeal. An imported record was registered
	// elsewhere, before: it may lack what the law asks of a new appeal's form (an address, a text of
	// some length, a hotline's number, an earlier appeal for a repeat) but never hold what the registry
	// cannot store or count (an unknown code, an over-long text, a date in the future).
	newAppeal bool
	out       []problem
}

func (c *contentCheck) add(field, code string) {
	c.out = append(c.out, problem{field: field, code: code})
}

func (c *contentCheck) addValue(field, code, value string) {
	c.out = append(c.out, problem{field: field, code: code, value: value})
}

func (c *contentCheck) addLimit(field, code string, limit int) {
	c.out = append(c.out, problem{field: field, code: code, limit: limit})
}

// checkContent normalises what an appeal says (trimmed text, the default nature and sign, one signer for
// an appeal of one author, blank question rows and repeated categories dropped) and checks it against the
// law and the classifier. It returns every problem, in no order a caller should rely on.
func (s *Service) checkContent(in *RegisterInput, newAppeal bool) []problem {
	normaliseInput(in)
	c := &contentCheck{s: s, in: in, newAppeal: newAppeal}
	c.receipt()
	c.sign()
	c.author()
	c.questions()
	c.text()
	c.place()
	if newAppeal {
		c.registration()
	}
	return c.out
}

func normaliseInput(in *RegisterInput) {
	for _, p := range []*string{&in.LastName, &in.FirstName, &in.Patronymic, &in.Address, &in.Email, &in.Phone,
		&in.Summary, &in.ExternalRef, &in.ExternalNumber, &in.Place.Address, &in.ServiceCode} {
		*p = strings.TrimSpace(*p)
	}
	if in.Nature == "" {
		in.Nature = NatureIndividual
	}
	if in.Sign == "" {
		in.Sign = SignPrimary
	}
	if in.Nature != NatureCollective && in.Signers == 0 {
		in.Signers = 1
	}
	var categories []string
	for _, c := range in.Categories {
		if !slices.Contains(categories, c) {
			categories = append(categories, c)
		}
	}
	in.Categories = categories
}

// receipt checks how the appeal came: channel, the sender's number, the date, type, nature and signers.
func (c *contentCheck) receipt() {
	in, clf := c.in, c.s.clf
	c.code(fieldChannel, in.Channel, clf.Channels.Has, true)
	c.code(fieldType, in.Type, clf.Types.Has, true)
	c.code(fieldNature, in.Nature, clf.Natures.Has, true)
	ch, _ := clf.Channels.Get(in.Channel)
	switch {
	case c.newAppeal && ch.ExternalRef && in.ExternalRef == "" && in.ExternalNumber == "",
		in.SourceID != nil && in.ExternalNumber == "":
		c.add(fieldExternalRef, probRequired)
	case utf8.RuneCountInString(in.ExternalRef) > maxExternalRef || utf8.RuneCountInString(in.ExternalNumber) > maxExternalRef:
		c.addLimit(fieldExternalRef, probTooLong, maxExternalRef)
	}
	switch {
	case in.Nature == NatureCollective && (in.Signers < 2 || in.Signers > MaxSigners):
		c.add(fieldSigners, probSigners)
	case in.Nature != NatureCollective && in.Signers != 1:
		c.add(fieldSigners, probSingle)
	}
	if !in.ReceivedAt.IsZero() && c.s.clock.Date(in.ReceivedAt).After(c.s.clock.Today()) {
		c.add(fieldReceivedAt, probFuture)
	}
}

// code checks a code against its list: "" is required or allowed, anything else must be in the list.
func (c *contentCheck) code(field, v string, known func(string) bool, required bool) {
	switch {
	case v == "" && required:
		c.add(field, probRequired)
	case v != "" && !known(v):
		c.addValue(field, probUnknown, v)
	}
}

// sign checks the sign of receipt; a new repeat or duplicate appeal points at the earlier one.
func (c *contentCheck) sign() {
	in := c.in
	switch {
	case !c.s.clf.Signs.Has(in.Sign):
		c.addValue(fieldSign, probUnknown, in.Sign)
	case !c.newAppeal:
	case (in.Sign == SignRepeat || in.Sign == SignDuplicate) && in.RelatedAppealID == nil:
		c.add(fieldSign, probRelatedRequired)
	case in.Sign == SignPrimary && in.RelatedAppealID != nil:
		// A first appeal has no earlier one: the two fields would contradict each other on the card.
		c.add(fieldSign, probRelatedPrimary)
	}
}

// author checks who wrote: an anonymous appeal is registered without a name or an address (and is not
// considered on the merits).
func (c *contentCheck) author() {
	in, clf := c.in, c.s.clf
	named := in.Nature != NatureAnonymous
	c.name(fieldLastName, in.LastName, named)
	c.name(fieldFirstName, in.FirstName, named)
	c.name(fieldPatronymic, in.Patronymic, false)
	switch {
	case in.Address == "" && named && c.newAppeal:
		c.add(fieldAddress, probRequired)
	case utf8.RuneCountInString(in.Address) > maxAddressLen:
		c.addLimit(fieldAddress, probTooLong, maxAddressLen)
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			c.add(fieldEmail, probEmail)
		}
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		c.add(fieldPhone, probPhone)
	}
	c.code(fieldGender, in.Gender, clf.Genders.Has, false)
	c.code(fieldSocialStatus, in.SocialStatus, clf.SocialStatuses.Has, false)
	for _, code := range in.Categories {
		c.code(fieldCategories, code, clf.Categories.Has, false)
	}
}

func (c *contentCheck) name(field, v string, required bool) {
	switch {
	case v == "" && required:
		c.add(field, probRequired)
	case utf8.RuneCountInString(v) > maxNameLen:
		c.addLimit(field, probTooLong, maxNameLen)
	case strings.IndexFunc(v, unicode.IsDigit) >= 0:
		c.add(field, probDigits)
	}
}

func validPhone(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune("+()- ", r):
		default:
			return false
		}
	}
	return digits >= 9 && digits <= 15
}

// questions checks the questions, each with its subject code. Blank rows (the form offers spare ones)
// are dropped; a row with text needs a subject.
func (c *contentCheck) questions() {
	var each []problem
	qs := c.in.Questions[:0]
	for i, q := range c.in.Questions {
		q.Text = strings.TrimSpace(q.Text)
		if q.SubjectCode == "" && q.Text == "" {
			continue
		}
		switch {
		case q.SubjectCode == "":
			each = append(each, problem{field: fieldQuestionSubject, code: probRequired, index: i})
		case !c.s.clf.Subjects.Has(q.SubjectCode):
			each = append(each, problem{field: fieldQuestionSubject, code: probUnknown, index: i, value: q.SubjectCode})
		case utf8.RuneCountInString(q.Text) > maxQuestionLen:
			each = append(each, problem{field: fieldQuestionText, code: probTooLong, index: i, limit: maxQuestionLen})
		}
		qs = append(qs, q)
	}
	c.in.Questions = qs
	switch {
	case len(qs) == 0:
		c.add(fieldQuestions, probRequired)
	case len(qs) > MaxQuestions:
		c.addLimit(fieldQuestions, probTooMany, MaxQuestions)
	}
	c.out = append(c.out, each...)
}

// text checks the substance of the appeal.
func (c *contentCheck) text() {
	switch n := utf8.RuneCountInString(c.in.Summary); {
	case n == 0:
		c.add(fieldSummary, probRequired)
	case n < minSummaryLen && c.newAppeal:
		c.addLimit(fieldSummary, probTooShort, minSummaryLen)
	case n > maxSummaryLen:
		c.addLimit(fieldSummary, probTooLong, maxSummaryLen)
	}
}

// registration checks what only a new registration has: the portal's own rules (an author signed in,
// a contact, consent) and the files.
func (c *contentCheck) registration() {
	in := c.in
	if in.Channel == ChannelPortal {
		if in.RegisteredBy != nil || in.Nature != NatureIndividual {
			// The portal's own appeals come from the signed-in author; staff register the other channels.
			c.add(fieldChannel, probNotAllowed)
		}
		if in.Email == "" && in.Phone == "" {
			c.add(fieldContact, probRequired)
		}
		if !in.Consent {
			c.add(fieldConsent, probRequired)
		}
	}
	switch {
	case in.ReplyBy == "":
	case !slices.Contains(ReplyDeliveries, in.ReplyBy):
		c.addValue(fieldReplyBy, probUnknown, in.ReplyBy)
	case in.ReplyBy == DeliveryEmail && in.Email == "":
		c.add(fieldReplyBy, probNoEmail)
	case in.ReplyBy == DeliveryPost && in.Address == "":
		c.add(fieldReplyBy, probNoAddress)
	}
	if len(in.Attachments) > c.s.maxFiles {
		c.addLimit(fieldAttachments, probTooMany, c.s.maxFiles)
	}
	for _, a := range in.Attachments {
		if a.Size > c.s.files.MaxBytes() {
			c.add(fieldAttachments, probTooLarge)
		}
	}
}

// formMessages are the registration forms' messages (i18n ids): by field and code where a field has its
// own, otherwise by code.
var (
	formByField = map[[2]string]string{
		{fieldChannel, probRequired}:         "appeal.error.choose",
		{fieldType, probRequired}:            "appeal.error.type",
		{fieldType, probUnknown}:             "appeal.error.type",
		{fieldExternalRef, probRequired}:     "appeal.error.external_ref_required",
		{fieldAddress, probRequired}:         "appeal.error.address_required",
		{fieldContact, probRequired}:         "appeal.error.contact_required",
		{fieldQuestionSubject, probRequired}: "appeal.error.subject",
		{fieldQuestionSubject, probUnknown}:  "appeal.error.subject",
		{fieldQuestions, probRequired}:       "appeal.error.question_required",
		{fieldQuestions, probTooMany}:        "appeal.error.too_many_questions",
		{fieldSummary, probRequired}:         "appeal.error.summary_required",
		{fieldConsent, probRequired}:         "appeal.error.consent",
		{fieldAttachments, probTooMany}:      "appeal.error.too_many_files",
		{fieldReplyBy, probNoEmail}:          "appeal.error.reply_by_email",
		{fieldReplyBy, probNoAddress}:        "appeal.error.reply_by_post",
		{fieldPlace, probCoordinates}:        "appeal.error.place_coordinates",
	}
	formByCode = map[string]string{
		probRequired:        "appeal.error.required",
		probTooLong:         "appeal.error.too_long",
		probTooShort:        "appeal.error.summary_short",
		probTooLarge:        "appeal.error.file_too_large",
		probUnknown:         "appeal.error.choose",
		probNotAllowed:      "appeal.error.choose",
		probDigits:          "appeal.error.name_digits",
		probEmail:           "appeal.error.email",
		probPhone:           "appeal.error.phone",
		probFuture:          "appeal.error.received_future",
		probSigners:         "appeal.error.signers",
		probSingle:          "appeal.error.signers",
		probRelatedRequired: "admin.register.error.related_required",
		probRelatedPrimary:  "admin.register.error.related_primary",
	}
)

// formErrors says the problems in the registration forms' words, each under the form field it concerns
// (the first problem of a field wins).
func formErrors(problems []problem) errs.Validation {
	v := errs.Validation{}
	for _, p := range problems {
		msg, ok := formByField[[2]string{p.field, p.code}]
		if !ok {
			msg = formByCode[p.code]
		}
		v.Add(formField(p), msg)
	}
	return v
}

// formField is the form's name for the field of a problem.
func formField(p problem) string {
	switch {
	case p.field == fieldQuestionSubject:
		return fmt.Sprintf("questions.%d.subject", p.index)
	case p.field == fieldQuestionText:
		return fmt.Sprintf("questions.%d.text", p.index)
	case p.field == fieldQuestions && p.code == probRequired:
		return "questions.0.subject" // the first row is where the missing question goes
	case p.field == fieldContact:
		return fieldEmail
	}
	return p.field
}
