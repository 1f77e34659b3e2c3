package registry

import (
	"context"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/region"
)

// SearchFilter selects households for the list and the API. The service
// fills RegionPrefix from the caller's jurisdiction.
type SearchFilter struct {
	Term         string     // ID, name (characters or pinyin), phone or address
	Kind         SearchKind // how Term is read (set by the service)
	RegionPrefix string     // division prefix; the caller's jurisdiction or within it
	Area         Area       // "" for both
	Programme    string     // an enrolment active on Date; "none" for households without one
	Date         string     // YYYY-MM-DD for Programme
	Limit        int
	Offset       int
	// After, when set, continues a walk in list order (village, then ID)
	// after this household: paging by position that stays cheap however
	// deep it goes. With After the total is not counted (it comes back -1).
	After *HouseholdRow
}

// HouseholdRow is a household as a list shows it.
type HouseholdRow struct {
	Household
	HeadName string
	HeadID   string
	Size     int
}

// Search lists households within by's jurisdiction (narrowed to
// f.RegionPrefix when that lies within it). IDs are masked unless by may
// see them. Returns Forbidden without RegistryRead, Invalid for a bad
// filter.
func (s *Service) Search(ctx context.Context, by access.Principal, f SearchFilter) ([]HouseholdRow, int, error) {
	if err := by.Require(access.RegistryRead); err != nil {
		return nil, 0, err
	}
	f.Term = strings.TrimSpace(f.Term)
	f.Kind = ClassifyTerm(f.Term)
	if f.Kind == SearchIDNumber {
		if id, err := parseID(f.Term); err == nil {
			f.Term = id
		}
	}
	scope := by.Prefix()
	if f.RegionPrefix != "" {
		code, err := region.Normalize(f.RegionPrefix)
		if err != nil {
			return nil, 0, apperr.Field("region", "区划代码格式错误", "malformed division code")
		}
		if !by.Covers(code) {
			return nil, 0, apperr.New(apperr.NotFound, "未找到该行政区划", "division not found").WithField("region")
		}
		scope = region.Prefix(code)
	}
	f.RegionPrefix = scope
	switch f.Area {
	case "", Urban, Rural:
	default:
		return nil, 0, apperr.Field("area", "城乡类别须为 urban 或 rural", "area must be urban or rural")
	}
	if f.Programme != "" && f.Date == "" {
		f.Date = s.now().Format("2006-01-02")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		return nil, 0, apperr.Field("offset", "偏移量不能为负", "offset must not be negative")
	}
	rows, total, err := s.Store.Search(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if !by.Can(access.SeeFullID) {
		for i := range rows {
			rows[i].HeadID = maskID(rows[i].HeadID)
		}
	}
	for i := range rows {
		rows[i].Bank.Account = rows[i].Bank.MaskedAccount()
	}
	return rows, total, nil
}
