package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// The edit form names its inputs m{i}.{field} for members, inc{i}.{field}
// for income items and ast{i}.{field} for assets, so that an error's API
// field (members[1].phone) maps to the input to mark (m1.phone).

var fieldIndex = regexp.MustCompile(`^(members|incomes|assets)\[(\d+)\]\.`)

// inputName maps an API error field to the edit form's input name.
func inputName(field string) string {
	return fieldIndex.ReplaceAllStringFunc(field, func(s string) string {
		m := fieldIndex.FindStringSubmatch(s)
		return map[string]string{"members": "m", "incomes": "inc", "assets": "ast"}[m[1]] + m[2] + "."
	})
}

// formRow is one member row of the edit form.
type formRow struct {
	Index int
	registry.NewMember
	SelfCare [6]bool
}

type itemRow struct {
	Index  int
	Member string // member index as text, "" for the household
	Kind   string
	Amount string
	Per    string
	Extra  string // vehicle type or note
	Area   string
}

// editForm is what the edit template shows.
type editForm struct {
	ID      int64
	Version int
	In      registry.NewHousehold
	Members []formRow
	Incomes []itemRow
	Assets  []itemRow
	Reason  string
}

func formFrom(h registry.Household) editForm {
	f := editForm{ID: h.ID, Version: h.Version, In: registry.NewHousehold{Village: h.Village, Area: string(h.Area),
		Address: h.Address, Bank: h.Bank}}
	idx := map[int64]int{}
	for i, m := range h.Members {
		idx[m.PersonID] = i
		r := formRow{Index: i, NewMember: registry.NewMember{IDNumber: m.IDNumber, Name: m.Name,
			Relationship: string(m.Relationship), Detail: m.Detail}}
		for b := range 6 {
			r.SelfCare[b] = m.SelfCare&(1<<b) != 0
		}
		f.Members = append(f.Members, r)
	}
	owner := func(pid int64) string {
		if i, ok := idx[pid]; ok && pid != 0 {
			return strconv.Itoa(i)
		}
		return ""
	}
	for i, it := range h.Incomes {
		f.Incomes = append(f.Incomes, itemRow{Index: i, Member: owner(it.PersonID), Kind: it.Kind, Amount: it.Amount.String(), Per: string(it.Per), Extra: it.Source})
	}
	for i, a := range h.Assets {
		r := itemRow{Index: i, Member: owner(a.PersonID), Kind: a.Kind, Amount: a.Value.String(), Extra: a.VehicleType}
		if a.Area != 0 {
			r.Area = money.Money(a.Area).String()
		}
		f.Assets = append(f.Assets, r)
	}
	f.pad()
	return f
}

// pad keeps two blank rows at the end of each table for additions.
func (f *editForm) pad() {
	blankMember := func(r formRow) bool { return r.IDNumber == "" && r.Name == "" }
	blankItem := func(r itemRow) bool { return r.Kind == "" && r.Amount == "" && r.Area == "" }
	for n := trailing(f.Members, blankMember); n < 2 && len(f.Members) < 12; n++ {
		f.Members = append(f.Members, formRow{Index: len(f.Members)})
	}
	for n := trailing(f.Incomes, blankItem); n < 2 && len(f.Incomes) < 20; n++ {
		f.Incomes = append(f.Incomes, itemRow{Index: len(f.Incomes), Per: "month"})
	}
	for n := trailing(f.Assets, blankItem); n < 2 && len(f.Assets) < 20; n++ {
		f.Assets = append(f.Assets, itemRow{Index: len(f.Assets)})
	}
}

// trailing counts the blank rows at the end of rows.
func trailing[T any](rows []T, blank func(T) bool) int {
	n := 0
	for i := len(rows) - 1; i >= 0 && blank(rows[i]); i-- {
		n++
	}
	return n
}

// parseEditForm reads the posted form back into an editForm and the
// household input it describes. Blank rows are skipped.
func parseEditForm(r *http.Request) (editForm, error) {
	var f editForm
	if err := r.ParseForm(); err != nil {
		return f, apperr.Field("body", "表单无法解析", "cannot read the form")
	}
	v := r.PostForm
	f.Version, _ = strconv.Atoi(v.Get("version"))
	f.Reason = v.Get("reason")
	f.In = registry.NewHousehold{Village: v.Get("village"), Area: v.Get("area"), Address: v.Get("address"),
		Bank: registry.BankAccount{Bank: v.Get("bank"), Account: v.Get("account"), Holder: v.Get("holder")}}
	var firstErr error
	fail := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	// Member rows keep their form index for display; the household input
	// holds only the filled ones, so remap indexes for items.
	remap := map[string]int{}
	for i := 0; i < 12; i++ {
		p := fmt.Sprintf("m%d.", i)
		if _, ok := v[p+"id_number"]; !ok {
			break
		}
		row := formRow{Index: i, NewMember: registry.NewMember{IDNumber: strings.TrimSpace(v.Get(p + "id_number")),
			Name: v.Get(p + "name"), Relationship: v.Get(p + "relationship")}}
		d := &row.Detail
		d.Ethnicity, d.Marital, d.Labour = v.Get(p+"ethnicity"), v.Get(p+"marital"), v.Get(p+"labour")
		d.Education, d.Employment, d.Phone = v.Get(p+"education"), v.Get(p+"employment"), v.Get(p+"phone")
		d.SeriousIllness, d.Excluded, d.DeathDate = v.Get(p+"serious_illness"), v.Get(p+"excluded"), v.Get(p+"death_date")
		d.Disability.Category, d.Disability.Cert = v.Get(p+"disability_category"), v.Get(p+"disability_cert")
		if g := v.Get(p + "disability_grade"); g != "" {
			n, err := strconv.Atoi(g)
			if err != nil {
				fail(apperr.Field(fmt.Sprintf("members[%d].disability.grade", i), "残疾等级须为 1–4", "the grade is 1 to 4"))
			}
			d.Disability.Grade = n
		}
		for b, a := range registry.SelfCareActivities {
			if v.Get(p+"sc_"+a[0]) != "" {
				row.SelfCare[b] = true
				d.SelfCare |= 1 << b
			}
		}
		f.Members = append(f.Members, row)
		if row.IDNumber == "" && strings.TrimSpace(row.Name) == "" {
			continue
		}
		remap[strconv.Itoa(i)] = len(f.In.Members)
		f.In.Members = append(f.In.Members, row.NewMember)
	}
	ref := func(s string) int64 {
		if j, ok := remap[s]; ok {
			return -int64(j) - 1
		}
		return 0
	}
	for i := 0; i < 20; i++ {
		p := fmt.Sprintf("inc%d.", i)
		if _, ok := v[p+"kind"]; !ok {
			break
		}
		row := itemRow{Index: i, Member: v.Get(p + "member"), Kind: v.Get(p + "kind"), Amount: v.Get(p + "amount"), Per: v.Get(p + "per"), Extra: v.Get(p + "source")}
		f.Incomes = append(f.Incomes, row)
		if row.Kind == "" && row.Amount == "" {
			continue
		}
		amt, err := money.Parse(row.Amount)
		if err != nil {
			fail(apperr.Field(fmt.Sprintf("incomes[%d].amount", i), "金额格式错误", "malformed amount"))
		}
		f.In.Incomes = append(f.In.Incomes, registry.Income{PersonID: ref(row.Member), Kind: row.Kind, Amount: amt,
			Per: registry.Period(row.Per), Source: row.Extra})
	}
	for i := 0; i < 20; i++ {
		p := fmt.Sprintf("ast%d.", i)
		if _, ok := v[p+"kind"]; !ok {
			break
		}
		row := itemRow{Index: i, Member: v.Get(p + "member"), Kind: v.Get(p + "kind"), Amount: v.Get(p + "value"), Extra: v.Get(p + "vehicle_type"), Area: v.Get(p + "area")}
		f.Assets = append(f.Assets, row)
		if row.Kind == "" && row.Amount == "" && row.Area == "" {
			continue
		}
		var val money.Money
		var err error
		if row.Amount != "" {
			if val, err = money.Parse(row.Amount); err != nil {
				fail(apperr.Field(fmt.Sprintf("assets[%d].value", i), "金额格式错误", "malformed amount"))
			}
		}
		area, ok := areaHundredths(row.Area)
		if !ok {
			fail(apperr.Field(fmt.Sprintf("assets[%d].area_m2", i), "面积格式错误", "malformed area"))
		}
		f.In.Assets = append(f.In.Assets, registry.Asset{PersonID: ref(row.Member), Kind: row.Kind, Value: val, VehicleType: row.Extra, Area: area})
	}
	return f, firstErr
}

func (s *Server) householdEditPage(w http.ResponseWriter, r *http.Request, p access.Principal) {
	if err := p.Require(access.RegistryWrite); err != nil {
		s.uiError(w, r, err)
		return
	}
	h, err := s.Registry.Household(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	s.renderEdit(w, r, http.StatusOK, formFrom(h), nil)
}

func (s *Server) householdEditSubmit(w http.ResponseWriter, r *http.Request, p access.Principal) {
	id := pathInt64(r, "id")
	f, err := parseEditForm(r)
	f.ID = id
	if err == nil {
		_, err = s.Registry.UpdateHousehold(r.Context(), p, id, f.Version, f.In, f.Reason)
	}
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			f.pad()
			s.renderEdit(w, r, s.status(r, err), f, err)
			return
		}
		s.uiError(w, r, err)
		return
	}
	http.Redirect(w, r, "/households/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, code int, f editForm, err error) {
	v := view{Data: map[string]any{"F": f, "Tables": codeTables, "Activities": registry.SelfCareActivities}}
	if err != nil {
		v.Error, v.Field = apperr.Message(err, langOf(r)), apperr.FieldOf(err)
		v.Data.(map[string]any)["Bad"] = inputName(v.Field)
	}
	s.render(w, r, code, "household_edit", v)
}
