package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/money"
	"safetynet/internal/registry"
)

// jsonMoney reads an amount of yuan given as a JSON string or number.
type jsonMoney money.Money

func (m *jsonMoney) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := money.Parse(s)
	if err != nil {
		return apperr.New(apperr.Invalid, "金额格式错误："+s, "malformed amount: "+s)
	}
	*m = jsonMoney(v)
	return nil
}

func (m jsonMoney) MarshalJSON() ([]byte, error) {
	return []byte(`"` + money.Money(m).String() + `"`), nil
}

type disabilityJSON struct {
	Category string `json:"category,omitempty"`
	Grade    int    `json:"grade,omitempty"`
	Cert     string `json:"cert,omitempty"`
}

// memberIn is a member in a household request; only the three contract
// fields are required.
type memberIn struct {
	IDNumber       string         `json:"id_number"`
	Name           string         `json:"name"`
	Relationship   string         `json:"relationship"`
	Ethnicity      string         `json:"ethnicity,omitempty"`
	Marital        string         `json:"marital,omitempty"`
	Disability     disabilityJSON `json:"disability,omitempty"`
	SelfCareFailed []string       `json:"self_care_failed,omitempty"`
	Labour         string         `json:"labour,omitempty"`
	SeriousIllness string         `json:"serious_illness,omitempty"`
	Education      string         `json:"education,omitempty"`
	Employment     string         `json:"employment,omitempty"`
	Phone          string         `json:"phone,omitempty"`
	Excluded       string         `json:"excluded,omitempty"`
	DeathDate      string         `json:"death_date,omitempty"`
}

type bankJSON struct {
	Bank    string `json:"bank"`
	Account string `json:"account"`
	Holder  string `json:"holder"`
}

// itemJSON is an income, asset or expenditure item. Member is the index
// of the member it belongs to, or absent for the household.
type itemJSON struct {
	Member      *int      `json:"member,omitempty"`
	Kind        string    `json:"kind"`
	Amount      jsonMoney `json:"amount,omitempty"`
	Per         string    `json:"per,omitempty"`
	Source      string    `json:"source,omitempty"`
	Value       jsonMoney `json:"value,omitempty"`
	VehicleType string    `json:"vehicle_type,omitempty"`
	AreaM2      string    `json:"area_m2,omitempty"`
	RegNo       string    `json:"reg_no,omitempty"`
	Note        string    `json:"note,omitempty"`
}

type householdIn struct {
	Village      string     `json:"village"`
	Area         string     `json:"area"`
	Address      string     `json:"address"`
	Bank         bankJSON   `json:"bank"`
	Members      []memberIn `json:"members"`
	Incomes      []itemJSON `json:"incomes"`
	Assets       []itemJSON `json:"assets"`
	Expenditures []itemJSON `json:"expenditures"`
	Version      int        `json:"version,omitempty"`
	Reason       string     `json:"reason,omitempty"`
}

// selfCare turns activity keys into the bitmask.
func selfCare(keys []string) (registry.SelfCare, bool) {
	var s registry.SelfCare
	for _, k := range keys {
		found := false
		for i, a := range registry.SelfCareActivities {
			if a[0] == k {
				s |= 1 << i
				found = true
			}
		}
		if !found {
			return 0, false
		}
	}
	return s, true
}

func memberRef(m *int) int64 {
	if m == nil {
		return 0
	}
	return -int64(*m) - 1
}

// areaHundredths reads square metres with up to two decimals.
func areaHundredths(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	v, err := money.Parse(s)
	return int64(v), err == nil && v >= 0
}

func (in householdIn) domain() (registry.NewHousehold, error) {
	h := registry.NewHousehold{Village: in.Village, Area: in.Area, Address: in.Address,
		Bank: registry.BankAccount{Bank: in.Bank.Bank, Account: in.Bank.Account, Holder: in.Bank.Holder}}
	for i, m := range in.Members {
		sc, ok := selfCare(m.SelfCareFailed)
		if !ok {
			return h, apperr.Field("members["+strconv.Itoa(i)+"].self_care_failed",
				"生活自理项应为 eat、dress、bed、toilet、walk、bathe", "self-care activities are eat, dress, bed, toilet, walk, bathe")
		}
		h.Members = append(h.Members, registry.NewMember{IDNumber: m.IDNumber, Name: m.Name, Relationship: m.Relationship,
			Detail: registry.Detail{Ethnicity: m.Ethnicity, Marital: m.Marital, Disability: registry.Disability(m.Disability),
				SelfCare: sc, Labour: m.Labour, SeriousIllness: m.SeriousIllness, Education: m.Education,
				Employment: m.Employment, Phone: m.Phone, Excluded: m.Excluded, DeathDate: m.DeathDate}})
	}
	for _, it := range in.Incomes {
		h.Incomes = append(h.Incomes, registry.Income{PersonID: memberRef(it.Member), Kind: it.Kind,
			Amount: money.Money(it.Amount), Per: registry.Period(it.Per), Source: it.Source})
	}
	for i, it := range in.Assets {
		area, ok := areaHundredths(it.AreaM2)
		if !ok {
			return h, apperr.Field("assets["+strconv.Itoa(i)+"].area_m2", "面积格式错误", "malformed area")
		}
		h.Assets = append(h.Assets, registry.Asset{PersonID: memberRef(it.Member), Kind: it.Kind, Value: money.Money(it.Value),
			VehicleType: it.VehicleType, Area: area, RegNo: it.RegNo, Note: it.Note})
	}
	for _, it := range in.Expenditures {
		h.Expenditures = append(h.Expenditures, registry.Expenditure{Kind: it.Kind, Amount: money.Money(it.Amount),
			Per: registry.Period(it.Per), Note: it.Note})
	}
	return h, nil
}

type memberJSON struct {
	IDNumber       string          `json:"id_number"`
	Name           string          `json:"name"`
	Sex            string          `json:"sex"`
	BirthDate      string          `json:"birth_date"`
	Relationship   string          `json:"relationship"`
	Ethnicity      string          `json:"ethnicity,omitempty"`
	Marital        string          `json:"marital,omitempty"`
	Disability     *disabilityJSON `json:"disability,omitempty"`
	SelfCareFailed []string        `json:"self_care_failed,omitempty"`
	Labour         string          `json:"labour,omitempty"`
	SeriousIllness string          `json:"serious_illness,omitempty"`
	Education      string          `json:"education,omitempty"`
	Employment     string          `json:"employment,omitempty"`
	Phone          string          `json:"phone,omitempty"`
	Excluded       string          `json:"excluded,omitempty"`
	DeathDate      string          `json:"death_date,omitempty"`
	Counts         bool            `json:"counts"`
}

type enrolmentJSON struct {
	Programme string `json:"programme"`
	Tier      string `json:"tier,omitempty"`
	Setting   string `json:"setting,omitempty"`
	Since     string `json:"since"`
	Until     string `json:"until,omitempty"`
}

type householdJSON struct {
	ID           string          `json:"id"`
	Village      string          `json:"village"`
	VillageName  string          `json:"village_name"`
	County       string          `json:"county"`
	Area         string          `json:"area"`
	Address      string          `json:"address"`
	Bank         bankJSON        `json:"bank"`
	Members      []memberJSON    `json:"members"`
	Incomes      []itemJSON      `json:"incomes"`
	Assets       []itemJSON      `json:"assets"`
	Expenditures []itemJSON      `json:"expenditures"`
	Enrolments   []enrolmentJSON `json:"enrolments"`
	Version      int             `json:"version"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

func memberOut(m registry.Member) memberJSON {
	j := memberJSON{IDNumber: m.IDNumber, Name: m.Name, Sex: m.Sex, BirthDate: m.BirthDate, Relationship: string(m.Relationship),
		Ethnicity: m.Ethnicity, Marital: m.Marital, Labour: m.Labour, SeriousIllness: m.SeriousIllness, Education: m.Education,
		Employment: m.Employment, Phone: m.Phone, Excluded: m.Excluded, DeathDate: m.DeathDate, Counts: m.Counts()}
	if m.Disability.Category != "" {
		d := disabilityJSON(m.Disability)
		j.Disability = &d
	}
	for i, a := range registry.SelfCareActivities {
		if m.SelfCare&(1<<i) != 0 {
			j.SelfCareFailed = append(j.SelfCareFailed, a[0])
		}
	}
	return j
}

func (s *Server) householdOut(h registry.Household) householdJSON {
	out := householdJSON{ID: strconv.FormatInt(h.ID, 10), Village: h.Village, VillageName: s.Divisions.Tree().Path(h.Village),
		County: h.County, Area: string(h.Area), Address: h.Address, Bank: bankJSON{h.Bank.Bank, h.Bank.Account, h.Bank.Holder},
		Members: []memberJSON{}, Incomes: []itemJSON{}, Assets: []itemJSON{}, Expenditures: []itemJSON{}, Enrolments: []enrolmentJSON{},
		Version: h.Version, CreatedAt: h.CreatedAt, UpdatedAt: h.UpdatedAt}
	index := map[int64]int{}
	for i, m := range h.Members {
		out.Members = append(out.Members, memberOut(m))
		index[m.PersonID] = i
	}
	ref := func(pid int64) *int {
		if i, ok := index[pid]; ok && pid != 0 {
			return &i
		}
		return nil
	}
	for _, it := range h.Incomes {
		out.Incomes = append(out.Incomes, itemJSON{Member: ref(it.PersonID), Kind: it.Kind, Amount: jsonMoney(it.Amount), Per: string(it.Per), Source: it.Source})
	}
	for _, a := range h.Assets {
		j := itemJSON{Member: ref(a.PersonID), Kind: a.Kind, Value: jsonMoney(a.Value), VehicleType: a.VehicleType, RegNo: a.RegNo, Note: a.Note}
		if a.Area != 0 {
			j.AreaM2 = money.Money(a.Area).String()
		}
		out.Assets = append(out.Assets, j)
	}
	for _, e := range h.Expenditures {
		out.Expenditures = append(out.Expenditures, itemJSON{Kind: e.Kind, Amount: jsonMoney(e.Amount), Per: string(e.Per), Note: e.Note})
	}
	for _, e := range h.Enrolments {
		out.Enrolments = append(out.Enrolments, enrolmentJSON{e.Programme, e.Tier, e.Setting, e.Since, e.Until})
	}
	return out
}

func (s *Server) householdRoutes() {
	s.api("POST /api/v1/households", s.apiCreateHousehold)
	s.api("POST /api/v1/households/import", s.apiImport)
	s.api("GET /api/v1/households/template", s.apiTemplate)
	s.api("GET /api/v1/households/export", s.apiExport)
	s.api("GET /api/v1/households", s.apiSearchHouseholds)
	s.api("GET /api/v1/households/{id}", s.apiHousehold)
	s.api("PUT /api/v1/households/{id}", s.apiUpdateHousehold)
	s.api("GET /api/v1/households/{id}/history", s.apiHouseholdHistory)
	s.api("POST /api/v1/households/{id}/split", s.apiSplitHousehold)
	s.api("GET /api/v1/persons/{id_number}", s.apiPerson)
	s.api("POST /api/v1/persons/{id_number}/death", s.apiRecordDeath)
	s.api("POST /api/v1/persons/{id_number}/move", s.apiMoveMember)
}

// Household IDs are 64-bit; they travel as strings so that JavaScript
// clients do not round them.
func (s *Server) apiCreateHousehold(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in householdIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	nh, err := in.domain()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	h, err := s.Registry.CreateHousehold(r.Context(), p, nh)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/households/"+strconv.FormatInt(h.ID, 10))
	writeJSON(w, http.StatusCreated, map[string]any{"id": strconv.FormatInt(h.ID, 10), "household": s.householdOut(h)})
}

func (s *Server) apiUpdateHousehold(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in householdIn
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	nh, err := in.domain()
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Version == 0 {
		s.apiError(w, r, apperr.Field("version", "请提供读取时的版本号", "give the version you read"))
		return
	}
	h, err := s.Registry.UpdateHousehold(r.Context(), p, pathInt64(r, "id"), in.Version, nh, in.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdOut(h))
}

func (s *Server) apiHousehold(w http.ResponseWriter, r *http.Request, p access.Principal) {
	h, err := s.Registry.Household(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdOut(h))
}

type changeJSON struct {
	Version int       `json:"version"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Reason  string    `json:"reason"`
	Summary string    `json:"summary"`
}

func (s *Server) apiHouseholdHistory(w http.ResponseWriter, r *http.Request, p access.Principal) {
	hist, err := s.Registry.History(r.Context(), p, pathInt64(r, "id"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []changeJSON{}
	for _, c := range hist {
		out = append(out, changeJSON(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": out})
}

// searchFilter reads the list's query parameters (shared by API and page).
func searchFilter(r *http.Request) (registry.SearchFilter, error) {
	q := r.URL.Query()
	f := registry.SearchFilter{Term: q.Get("q"), RegionPrefix: q.Get("region"), Area: registry.Area(q.Get("area")),
		Programme: q.Get("programme")}
	var err error
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil {
			return f, apperr.Field("limit", "limit 须为整数", "limit must be an integer")
		}
	}
	if v := q.Get("page"); v != "" {
		page, err := strconv.Atoi(v)
		if err != nil || page < 1 {
			return f, apperr.Field("page", "页码须为正整数", "page must be a positive integer")
		}
		if f.Limit == 0 {
			f.Limit = 50
		}
		f.Offset = (page - 1) * f.Limit
	}
	return f, nil
}

type householdRowJSON struct {
	ID          string `json:"id"`
	Village     string `json:"village"`
	VillageName string `json:"village_name"`
	Area        string `json:"area"`
	Address     string `json:"address"`
	HeadName    string `json:"head_name"`
	HeadID      string `json:"head_id_number"`
	Size        int    `json:"size"`
	BankAccount string `json:"bank_account,omitempty"`
}

func (s *Server) apiSearchHouseholds(w http.ResponseWriter, r *http.Request, p access.Principal) {
	f, err := searchFilter(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rows, total, err := s.Registry.Search(r.Context(), p, f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []householdRowJSON{}
	t := s.Divisions.Tree()
	for _, h := range rows {
		out = append(out, householdRowJSON{ID: strconv.FormatInt(h.ID, 10), Village: h.Village, VillageName: t.Path(h.Village),
			Area: string(h.Area), Address: h.Address, HeadName: h.HeadName, HeadID: h.HeadID, Size: h.Size, BankAccount: h.Bank.Account})
	}
	writeJSON(w, http.StatusOK, map[string]any{"households": out, "total": total})
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request, p access.Principal) {
	per, err := s.Registry.Person(r.Context(), p, r.PathValue("id_number"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := map[string]any{"id_number": per.IDNumber, "name": per.Name, "sex": per.Sex, "birth_date": per.BirthDate,
		"relationship": string(per.Relationship), "household_id": nil, "village": per.Village, "county": per.County,
		"death_date": per.DeathDate, "counts": per.Counts()}
	if per.HouseholdID != 0 {
		out["household_id"] = strconv.FormatInt(per.HouseholdID, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRecordDeath(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Date   string `json:"date"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	h, err := s.Registry.RecordDeath(r.Context(), p, r.PathValue("id_number"), in.Date, in.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdOut(h))
}

func (s *Server) apiMoveMember(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		To           string `json:"to"`
		Relationship string `json:"relationship"`
		Reason       string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	to, err := strconv.ParseInt(in.To, 10, 64)
	if err != nil {
		s.apiError(w, r, apperr.Field("to", "目标家庭编号无效", "invalid target household id"))
		return
	}
	h, err := s.Registry.MoveMember(r.Context(), p, r.PathValue("id_number"), to, in.Relationship, in.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.householdOut(h))
}

func (s *Server) apiSplitHousehold(w http.ResponseWriter, r *http.Request, p access.Principal) {
	var in struct {
		Members []string `json:"members"`
		Head    string   `json:"head"`
		Village string   `json:"village"`
		Address string   `json:"address"`
		Reason  string   `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	h, err := s.Registry.SplitHousehold(r.Context(), p, pathInt64(r, "id"), in.Members, in.Head, in.Village, in.Address, in.Reason)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.householdOut(h))
}
