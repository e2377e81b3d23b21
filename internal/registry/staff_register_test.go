package registry_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/registry"
)

// staffInput is an appeal a registrar types in on behalf of its author.
func staffInput(registrar int64, channel string) registry.RegisterInput {
	return registry.RegisterInput{
		Channel: channel, RegisteredBy: &registrar,
		LastName: "Шевчук", FirstName: "Іван", Address: "м. Зразкове, вул. Садова, 3",
		Type:      "application",
		Questions: []registry.QuestionInput{{SubjectCode: "09", Text: "Вивіз сміття"}},
		Summary:   "Прошу впорядкувати графік вивезення сміття.",
	}
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	return e.Fields
}

func TestRegisterByStaff(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	registrar := f.person(t, "registrar")

	// A hotline appeal needs the hotline's number.
	in := staffInput(registrar, "gov_hotline")
	_, err := f.reg.RegisterAppeal(ctx, in)
	if got := fieldsOf(t, err)["external_ref"]; got != "appeal.error.external_ref_required" {
		t.Fatalf("hotline without a number: %q", got)
	}
	in.ExternalRef = "1545-123456 від 01.03.2026"
	received := time.Now().In(f.kyiv).AddDate(0, 0, -3)
	in.ReceivedAt = received
	a, err := f.reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := received.Date()
	if want := time.Date(y, m, d+registry.DefaultTermDays, 0, 0, 0, 0, time.UTC); !a.DueDate.Equal(want) {
		t.Errorf("due %v, want %v (30 days after receipt)", a.DueDate, want)
	}
	if a.DocumentKind != registry.DocOral || a.ExternalRef == "" || a.Nature != registry.NatureIndividual || a.Signers != 1 {
		t.Errorf("card: %+v", a)
	}
	if a.Events[0].ActorPersonID == nil || *a.Events[0].ActorPersonID != registrar {
		t.Error("the registrar is not the actor of the first event")
	}
	if a.PersonID != nil {
		t.Error("a staff registration has no signed-in author")
	}

	// Anonymous: no name, no address, index БП-N.
	in = staffInput(registrar, "mail")
	in.Nature, in.LastName, in.FirstName, in.Address = registry.NatureAnonymous, "", "", ""
	a, err = f.reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.RegIndex != "БП-"+strconv.Itoa(a.RegSeq) || a.DocumentKind != registry.DocLetter {
		t.Errorf("anonymous: index %q, kind %q", a.RegIndex, a.DocumentKind)
	}

	// Collective: at least two signers.
	in = staffInput(registrar, "reception")
	in.Nature, in.Signers = registry.NatureCollective, 1
	_, err = f.reg.RegisterAppeal(ctx, in)
	if got := fieldsOf(t, err)["signers"]; got != "appeal.error.signers" {
		t.Fatalf("collective with one signer: %q", got)
	}
	in.Signers = 12
	if a, err = f.reg.RegisterAppeal(ctx, in); err != nil || a.Signers != 12 || a.RegIndex != "КО-"+strconv.Itoa(a.RegSeq) {
		t.Fatalf("collective: %v %+v", err, a)
	}

	// Received tomorrow: refused. Without a name (not anonymous): refused. No contact needed off the portal.
	in = staffInput(registrar, "phone")
	in.ReceivedAt = time.Now().In(f.kyiv).AddDate(0, 0, 1)
	in.LastName = ""
	fields := fieldsOf(t, func() error { _, err := f.reg.RegisterAppeal(ctx, in); return err }())
	if fields["received_at"] != "appeal.error.received_future" || fields["last_name"] != "appeal.error.required" {
		t.Fatalf("future date and missing name: %v", fields)
	}
	if _, ok := fields["email"]; ok {
		t.Error("a telephone appeal needs no e-mail or phone")
	}

	// Staff cannot register a portal appeal.
	in = staffInput(registrar, registry.ChannelPortal)
	in.Email, in.Consent = "a@example.org", true
	if fields := fieldsOf(t, func() error { _, err := f.reg.RegisterAppeal(ctx, in); return err }()); fields["channel"] == "" {
		t.Errorf("a portal appeal by staff: %v", fields)
	}
}
