package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// postImport sends the import form as a browser does: multipart, with the file (an empty one when name is "").
func postImport(t *testing.T, c *http.Client, u, csrf, name, data string) apptest.Response {
	t.Helper()
	return apptest.PostMultipart(t, c, u, url.Values{"_csrf": {csrf}}, apptest.File{Field: "file", Name: name, Data: []byte(data)})
}

const importHeader = "reg_number,received_at,channel,type,nature,signers,author_name,subjects,summary,status,result,answered_at\r\n"

func TestImportPage(t *testing.T) {
	s, citizen, registrar, admin := staffServer(t)
	executor := apptest.Browser(t)
	s.SignIn(t, executor, "dev-staff-executor")
	if _, err := s.App.People.GrantRole(t.Context(), "t.melnyk@rada.zrazkove.example", identity.RoleExecutor, "test"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		who    *http.Client
		name   string
		status int
	}{{citizen, "citizen", http.StatusNotFound}, {executor, "executor", http.StatusForbidden},
		{registrar, "registrar", http.StatusOK}, {admin, "admin", http.StatusOK}} {
		for _, path := range []string{"/admin/import", "/admin/import/template.csv"} {
			if r := apptest.Get(t, c.who, s.Path(path)); r.Status != c.status {
				t.Errorf("%s GET %s: %d, want %d", c.name, path, r.Status, c.status)
			}
		}
	}

	page := apptest.Get(t, admin, s.Path("/admin/import"))
	for _, want := range []string{"Імпорт звернень", `enctype="multipart/form-data"`, `type="file"`, "<code>reg_number</code>",
		"тематика питань", `href="/admin/import/template.csv"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	csrf := apptest.CSRF(t, page.Body)
	tpl := apptest.Get(t, admin, s.Path("/admin/import/template.csv"))
	if !strings.HasPrefix(tpl.Body, "\ufeffreg_number,received_at,channel,") || !strings.HasPrefix(tpl.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("template: %q %q", tpl.Header.Get("Content-Type"), tpl.Body)
	}

	// Without a CSRF token, or by people without the role, nothing is imported.
	good := importHeader +
		"К-5/24,2024-03-04,phone,complaint,,,Коваленко Олена Петрівна,09;10,Немає гарячої води,answered,explained,2024-03-20\r\n" +
		"ВХ-117,2024-03-05,mail,application,collective,12,Бондар Іван,06,Прошу відремонтувати дах,,,\r\n"
	if r := postImport(t, admin, s.Path("/admin/import"), "forged", "registry.csv", good); r.Status != http.StatusForbidden {
		t.Errorf("import without a CSRF token: %d", r.Status)
	}
	if r := postImport(t, citizen, s.Path("/admin/import"), apptest.CSRF(t, apptest.Get(t, citizen, s.Path("/")).Body), "registry.csv", good); r.Status != http.StatusNotFound {
		t.Errorf("import by a citizen: %d", r.Status)
	}
	if r := postImport(t, executor, s.Path("/admin/import"), apptest.CSRF(t, apptest.Get(t, executor, s.Path("/admin")).Body),
		"registry.csv", good); r.Status != http.StatusForbidden {
		t.Errorf("import by an executor: %d", r.Status)
	}

	r := postImport(t, admin, s.Path("/admin/import"), csrf, "registry.csv", good)
	if r.Status != http.StatusSeeOther || r.Location != "/admin/import?added=2&skipped=0" {
		t.Fatalf("import: %d %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	if done := apptest.Get(t, admin, apptest.Follow(s.Path("/admin/import"), r.Location)); !strings.Contains(done.Body,
		"Імпортовано звернень: 2. Уже були в реєстрі: 0.") {
		t.Errorf("the result page:\n%.3000s", done.Body)
	}
	list := apptest.Get(t, admin, s.Path("/admin/appeals?q=коваленко+олена+петрівна"))
	if !strings.Contains(list.Body, "К-5/24") {
		t.Error("the imported appeal is not found in the registry by its author")
	}
	if r := postImport(t, registrar, s.Path("/admin/import"), apptest.CSRF(t, apptest.Get(t, registrar, s.Path("/admin/import")).Body),
		"registry.csv", good); r.Location != "/admin/import?added=0&skipped=2" {
		t.Errorf("the same file again: %d %q", r.Status, r.Location)
	}

	// A refused file: every bad row in the table, nothing added.
	bad := importHeader +
		"К-6/24,2024-03-04,fax,complaint,,,Коваленко Олена,09,Суть,,,\r\n" +
		"К-7/24,2024-03-04,phone,complaint,collective,,Коваленко Олена,09,Суть,answered,,2024-03-01\r\n"
	r = postImport(t, admin, s.Path("/admin/import"), csrf, "поганий.csv", bad)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file: %d", r.Status)
	}
	for _, want := range []string{"Файл не імпортовано", "поганий.csv", "Знайдено проблем: 4.",
		"<td data-label=\"Рядок\">2</td>", "канал (<code>channel</code>)", "невідоме значення «fax»",
		"<td data-label=\"Рядок\">3</td>", "колективне звернення має від 2 до", "потрібен результат",
		"відповідь (2024-03-01) раніше за надходження (2024-03-04)", "виберіть його знову"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refusal lacks %q", want)
		}
	}
	var n int64
	if err := s.App.DB.Model(&registry.Appeal{}).Where("reg_index IN ?", []string{"К-6/24", "К-7/24"}).Count(&n).Error; err != nil || n != 0 {
		t.Errorf("a refused file added %d appeals (%v)", n, err)
	}
	if r := postImport(t, admin, s.Path("/admin/import"), csrf, "", ""); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Виберіть файл CSV.") {
		t.Errorf("no file chosen: %d", r.Status)
	}
}

// Every column has a label and a description in every language (the template builds those ids), and a
// problem reads in English too.
func TestImportTexts(t *testing.T) {
	tr, err := i18n.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		l := tr.For(lang)
		for _, c := range registry.ImportColumns {
			for _, id := range []string{"import.column." + c, "import.help." + c} {
				if !l.Has(id) {
					t.Errorf("%s lacks %s", lang, id)
				}
			}
		}
	}
	p := registry.ImportProblem{Line: 7, Column: "channel", Message: "import.error.unknown_code", Value: "fax", Want: "mail, phone"}
	if got := p.Describe(tr.For("en")); got.Field != "channel" || got.Reason != `unknown value "fax"; possible: mail, phone` {
		t.Errorf("en: %+v", got)
	}
	if got := p.Describe(tr.For("uk")); got.Field != "канал" || got.Reason != "невідоме значення «fax»; можливі: mail, phone" {
		t.Errorf("uk: %+v", got)
	}
	if got := (registry.ImportProblem{Line: 4, Message: "import.error.field_count", Value: "3", Want: "21"}).Describe(tr.For("uk")); got.Field != "увесь рядок" {
		t.Errorf("a whole row: %+v", got)
	}
}
