package registry

import (
	"context"
	"io"
	"sync/atomic"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/region"
)

// DivisionStore persists the administrative divisions.
type DivisionStore interface {
	All(ctx context.Context) ([]region.Division, error)
	Upsert(ctx context.Context, divs []region.Division) error
	SetClass(ctx context.Context, code string, c region.Class) error
}

// DivisionService serves the divisions from an in-memory tree loaded from
// the store, and changes them: a village's urban/rural class, or a whole
// province imported from CSV. The tree is swapped atomically after a
// change, so readers never lock.
type DivisionService struct {
	Store DivisionStore
	Tx    audit.Transactor
	Audit *audit.Log
	tree  atomic.Pointer[region.Tree]
}

// Load (re)reads every division from the store.
func (s *DivisionService) Load(ctx context.Context) error {
	divs, err := s.Store.All(ctx)
	if err != nil {
		return err
	}
	s.tree.Store(region.NewTree(divs))
	return nil
}

// Tree returns the current tree (empty before Load).
func (s *DivisionService) Tree() *region.Tree {
	if t := s.tree.Load(); t != nil {
		return t
	}
	return region.NewTree(nil)
}

// Get returns the division with a 12-digit code.
func (s *DivisionService) Get(code string) (region.Division, bool) { return s.Tree().Get(code) }

// Exists reports whether a division code (2–12 digits) exists.
func (s *DivisionService) Exists(code string) bool {
	c, err := region.Normalize(code)
	if err != nil {
		return false
	}
	_, ok := s.Tree().Get(c)
	return ok
}

// SetClass changes a village's urban/rural class. Requires RegionEdit and
// the village within by's jurisdiction. Returns Invalid, NotFound,
// Forbidden.
func (s *DivisionService) SetClass(ctx context.Context, by access.Principal, code, class string) error {
	if err := by.Require(access.RegionEdit); err != nil {
		return err
	}
	c, err := region.ParseClass(class)
	if err != nil {
		return err
	}
	code12, err := region.Normalize(code)
	if err != nil {
		return err
	}
	d, ok := s.Get(code12)
	if !ok || !by.Covers(code12) {
		return apperr.New(apperr.NotFound, "未找到该行政区划", "division not found")
	}
	if d.Level != region.Village {
		return apperr.Field("code", "只有村（社区）有城乡分类", "only villages have an urban/rural class")
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SetClass(ctx, code12, c); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "region.class", SubjectType: "division",
			SubjectID: code12, SubjectRegion: code12, Before: map[string]string{"class": d.Class.String()},
			After: map[string]string{"class": c.String()}})
	})
	if err != nil {
		return err
	}
	return s.Load(ctx)
}

// Import loads divisions from a CSV file in the embedded data's format
// (code,name,parent[,class]); the file is validated whole first, and
// nothing is written if any row is bad (the error lists every bad row).
// Requires RegionEdit. Returns the number of divisions read.
func (s *DivisionService) Import(ctx context.Context, by access.Principal, r io.Reader) (int, error) {
	if err := by.Require(access.RegionEdit); err != nil {
		return 0, err
	}
	divs, err := region.ParseCSV(r)
	if err != nil {
		return 0, err // an Invalid apperr listing every bad row
	}
	if len(divs) == 0 {
		return 0, apperr.Field("file", "文件中没有行政区划", "the file holds no divisions")
	}
	for _, d := range divs {
		if !by.Covers(d.Code) {
			return 0, apperr.New(apperr.Forbidden, "文件包含管辖范围以外的区划："+d.Code,
				"the file holds divisions outside your jurisdiction: "+d.Code)
		}
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.Upsert(ctx, divs); err != nil {
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "region.import", SubjectType: "division",
			SubjectID: divs[0].Code, SubjectRegion: divs[0].Code, After: map[string]int{"divisions": len(divs)}})
	})
	if err != nil {
		return 0, err
	}
	return len(divs), s.Load(ctx)
}
