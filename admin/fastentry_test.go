package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/steptest"
)

// fastEntry is what the steps of TestFastEntry share.
type fastEntry struct {
	s         *apptest.Server
	registrar *http.Client
	card      url.Values // a hotline card as the registrar types it
	yesterday time.Time
	index, id string // the registration index and id the card got
}

// The registration form for a day of hotline cards: focus in the first field, required fields marked,
// dates typed as ДД.ММ.РРРР, the channel and the date remembered, "register and next", every problem
// in a summary that takes the focus, a card typed in twice is one appeal, and the author's earlier
// appeals on request of the form's script.
func TestFastEntry(t *testing.T) {
	s, _, registrar, _ := staffServer(t)
	steptest.Run(t, &fastEntry{s: s, registrar: registrar, yesterday: time.Now().AddDate(0, 0, -1)}, []steptest.Step[*fastEntry]{
		{Name: "the form starts in the channel with the required fields marked", Run: fastEntryForm},
		{Name: "every problem in a summary that takes the focus", Run: fastEntryRefused},
		{Name: "register and next keeps the channel and the date", Run: fastEntryNext},
		{Name: "a hotline card typed in twice is one appeal", Run: fastEntryKnownCard},
		{Name: "the earlier appeals for the form's script", Run: fastEntryEarlier},
	})
}

func fastEntryForm(t *testing.T, f *fastEntry) {
	page := apptest.Get(t, f.registrar, f.s.Path("/admin/appeals/new"))
	if !regexp.MustCompile(`<select id="f-channel" name="channel" required aria-required="true" autofocus`).MatchString(page.Body) {
		t.Error("the channel is not the focused, required first field")
	}
	for _, field := range []string{"last_name", "first_name", "address", "received_at"} {
		if !regexp.MustCompile(`<input type="text" id="f-` + field + `" name="` + field + `" value="[^"]*"( autocomplete="off")? required aria-required="true"`).MatchString(page.Body) {
			t.Errorf("%s is not marked required", field)
		}
	}
	if !strings.Contains(page.Body, `<script src="/static/js/register.`) {
		t.Error("the form's script is not linked")
	}
	f.card = url.Values{"_csrf": {apptest.CSRF(t, page.Body)}, "action": {"submit_next"}, "questions": {"1"}, "channel": {"gov_hotline"},
		"received_at": {f.yesterday.Format("02.01.2006")}, "nature": {"individual"}, "last_name": {"Гнатюк"},
		"first_name": {"Петро"}, "address": {"м. Зразкове, вул. Липова, 7"}, "type": {"complaint"},
		"q0_subject": {"09"}, "summary": {"Не вивозять сміття з двору вже два тижні."}, "sign": {"primary"},
		"external_ref": {"№ 1545-77 від " + f.yesterday.Format("02.01.2006")}}
}

func fastEntryRefused(t *testing.T, f *fastEntry) {
	bad := url.Values{}
	for k, v := range f.card {
		bad[k] = v
	}
	bad.Set("received_at", "31.02.2026")
	bad.Set("last_name", "")
	r := apptest.PostForm(t, f.registrar, f.s.Path("/admin/appeals"), bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad date and no surname: %d", r.Status)
	}
	summary := regexp.MustCompile(`(?s)<div class="notice bad" role="alert"[^>]*autofocus>.*?</div>`).FindString(r.Body)
	for _, want := range []string{`href="#f-received_at"`, `href="#f-last_name"`, "ДД.ММ.РРРР"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(r.Body, `name="channel" required aria-required="true" autofocus`) {
		t.Error("with problems, the focus goes to the summary, not the first field")
	}
	if !strings.Contains(r.Body, `value="31.02.2026"`) || !strings.Contains(r.Body, `value="Петро"`) {
		t.Error("the refused form lost what was typed")
	}
}

func fastEntryNext(t *testing.T, f *fastEntry) {
	r := apptest.PostForm(t, f.registrar, f.s.Path("/admin/appeals"), f.card)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/appeals/new" {
		t.Fatalf("register and next: %d %q %s", r.Status, r.Location, regexp.MustCompile(`(?s)<div class="notice bad".*?</div>`).FindString(r.Body))
	}
	next := apptest.Get(t, f.registrar, f.s.Path("/admin/appeals/new"))
	index := regexp.MustCompile(`Звернення (\S+) зареєстровано\. <a href="/admin/appeals/(\d+)">`).FindStringSubmatch(next.Body)
	if index == nil {
		t.Fatal("the next form does not say which index the last appeal got")
	}
	f.index, f.id = index[1], index[2]
	if !strings.Contains(next.Body, `<option value="gov_hotline" selected>`) || !strings.Contains(next.Body, `value="`+f.yesterday.Format("02.01.2006")+`"`) {
		t.Error("the channel and the date of receipt are not remembered")
	}
	if strings.Contains(next.Body, `value="Гнатюк"`) {
		t.Error("the next form is not empty")
	}
	if again := apptest.Get(t, f.registrar, f.s.Path("/admin/appeals/new")); strings.Contains(again.Body, "зареєстровано.") {
		t.Error("the banner is shown twice")
	}
	a, err := f.s.App.Registry.AppealForStaff(t.Context(), mustInt(t, f.id))
	if err != nil || a.RegIndex != f.index || a.ReceivedAt.In(f.s.App.Config.Timezone).Format("02.01.2006") != f.yesterday.Format("02.01.2006") {
		t.Fatalf("the registered appeal: %+v %v", a, err)
	}
	if a.SourceID == nil || a.ExternalNumber != "1545-77" || a.ExternalDate == nil || a.ExternalRef != "№ 1545-77 від "+f.yesterday.Format("02.01.2006") {
		t.Errorf("a hotline card typed in is not known by its source and number: %v %q %v %q", a.SourceID, a.ExternalNumber, a.ExternalDate, a.ExternalRef)
	}
}

func fastEntryKnownCard(t *testing.T, f *fastEntry) {
	f.card.Set("external_ref", "1545-77, "+f.yesterday.Format("02.01.2006"))
	f.card.Set("last_name", "Гнатюк-Інший")
	r := apptest.PostForm(t, f.registrar, f.s.Path("/admin/appeals"), f.card)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Цю картку вже зареєстровано: звернення "+f.index) ||
		!strings.Contains(r.Body, `href="/admin/appeals/`+f.id+`"`) || !strings.Contains(r.Body, `value="Гнатюк-Інший"`) {
		t.Errorf("the card typed in twice: %d", r.Status)
	}
}

func fastEntryEarlier(t *testing.T, f *fastEntry) {
	frag := apptest.Get(t, f.registrar, f.s.Path("/admin/appeals/earlier?"+url.Values{"last_name": {"Гнатюк"}, "first_name": {"Петро"},
		"address": {"м. Зразкове, вул. Липова, 7"}}.Encode()))
	if frag.Status != http.StatusOK || !strings.Contains(frag.Body, f.index) || !strings.Contains(frag.Body, `name="sign" value="repeat:`) ||
		strings.Contains(frag.Body, "<html") {
		t.Errorf("the earlier appeals for the script: %d\n%s", frag.Status, frag.Body)
	}
	if none := apptest.Get(t, f.registrar, f.s.Path("/admin/appeals/earlier?last_name=Нікому&first_name=Ніхто&address=Ніде")); none.Status != http.StatusOK ||
		!strings.Contains(none.Body, `name="sign" value="primary"`) {
		t.Errorf("no earlier appeals: %d %s", none.Status, none.Body)
	}
}
