package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
)

// changed records a new version of h in its history and in the audit log,
// inside the caller's transaction. before is the previous state (nil for
// a new household).
func (s *Service) changed(ctx context.Context, by access.Principal, h *Household, before *Household, action, reason, summary string) error {
	c := Change{Version: h.Version, At: s.now(), Actor: by.Username, Action: action, Reason: reason, Summary: summary}
	if err := s.Store.RecordChange(ctx, h.ID, h.County, c); err != nil {
		return err
	}
	ev := audit.Event{Action: "household." + action, SubjectType: "household", SubjectID: fmt.Sprint(h.ID),
		SubjectRegion: h.Village, After: h}
	if before != nil {
		ev.Before = before
	}
	return s.Audit.Record(ctx, by.Actor(), ev)
}

// scoped loads a household that must lie within by's jurisdiction
// (NotFound otherwise) for a change (Forbidden without RegistryWrite).
func (s *Service) scoped(ctx context.Context, by access.Principal, id int64) (Household, error) {
	if err := by.Require(access.RegistryWrite); err != nil {
		return Household{}, err
	}
	h, err := s.Store.Household(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && !by.Covers(h.Village)) {
		return Household{}, errHouseholdNotFound
	}
	return h, err
}

func needReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return apperr.Field("reason", "请填写变更原因", "give the reason for the change")
	}
	return nil
}

// UpdateHousehold replaces a household's details, members and items with
// in. version must be the version the caller read (Conflict if someone
// changed it since). Members are matched by resident ID: those kept keep
// their identity, new ones must not belong to another household
// (Conflict), and those left out leave the household. Returns Invalid,
// NotFound, Forbidden, Conflict.
func (s *Service) UpdateHousehold(ctx context.Context, by access.Principal, id int64, version int, in NewHousehold, reason string) (Household, error) {
	if err := needReason(reason); err != nil {
		return Household{}, err
	}
	next, err := s.validate(in)
	if err != nil {
		return Household{}, err
	}
	if !by.Covers(next.Village) {
		return Household{}, apperr.New(apperr.Forbidden, "该村（社区）不在您的管辖范围内",
			"the village is outside your jurisdiction").WithField("village")
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		old, err := s.scoped(ctx, by, id)
		if err != nil {
			return err
		}
		if old.Version != version {
			return apperr.New(apperr.Conflict, "家庭档案已被他人修改，请刷新后重试", "the household was changed by someone else; reload and retry").WithField("version")
		}
		known := map[string]Member{}
		for _, m := range old.Members {
			known[m.IDNumber] = m
		}
		var fresh []string
		for i := range next.Members {
			if m, ok := known[next.Members[i].IDNumber]; ok {
				next.Members[i].PersonID = m.PersonID
				next.Members[i].InternalKey = m.InternalKey
			} else {
				fresh = append(fresh, next.Members[i].IDNumber)
			}
		}
		if err := s.checkFree(ctx, next.Members, fresh); err != nil {
			return err
		}
		next.ID, next.Version, next.CreatedAt, next.UpdatedAt = old.ID, old.Version+1, old.CreatedAt, s.now()
		next.Enrolments = old.Enrolments
		if err := s.Store.SaveHousehold(ctx, &next, version); err != nil {
			return err
		}
		return s.changed(ctx, by, &next, &old, "update", reason, diff(old, next))
	})
	return next, err
}

// checkFree returns Conflict, naming the member, when one of the ids
// already belongs to a household.
func (s *Service) checkFree(ctx context.Context, members []Member, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	taken, err := s.Store.HouseholdsOf(ctx, ids)
	if err != nil {
		return err
	}
	for i, m := range members {
		if _, ok := taken[m.IDNumber]; ok && slices.Contains(ids, m.IDNumber) {
			return &apperr.Error{Kind: apperr.Conflict, Field: fmt.Sprintf("members[%d].id_number", i),
				Msg: "该成员已属于另一户家庭，须先办理迁出", MsgEN: "this member already belongs to another household"}
		}
	}
	return nil
}

// diff describes in Chinese what changed between two versions.
func diff(a, b Household) string {
	var parts []string
	if a.Village != b.Village {
		parts = append(parts, "村（社区）"+a.Village+"→"+b.Village)
	}
	if a.Area != b.Area {
		parts = append(parts, "城乡类别变更")
	}
	if a.Address != b.Address {
		parts = append(parts, "住址变更")
	}
	if a.Bank != b.Bank {
		parts = append(parts, "银行账户变更")
	}
	ids := func(h Household) map[string]Member {
		m := map[string]Member{}
		for _, x := range h.Members {
			m[x.IDNumber] = x
		}
		return m
	}
	am, bm := ids(a), ids(b)
	for _, m := range b.Members {
		if old, ok := am[m.IDNumber]; !ok {
			parts = append(parts, "新增成员 "+m.Name)
		} else if old.Name != m.Name || old.Relationship != m.Relationship || old.Detail != m.Detail {
			parts = append(parts, "修改成员 "+m.Name)
		}
	}
	for _, m := range a.Members {
		if _, ok := bm[m.IDNumber]; !ok {
			parts = append(parts, "减少成员 "+m.Name)
		}
	}
	if !slices.Equal(a.Incomes, b.Incomes) && !(len(a.Incomes) == 0 && len(b.Incomes) == 0) {
		parts = append(parts, "收入变更")
	}
	if len(a.Assets) != len(b.Assets) {
		parts = append(parts, "财产变更")
	}
	if len(parts) == 0 {
		return "无实质变更"
	}
	return strings.Join(parts, "；")
}

// History returns a household's versions, newest first, within by's
// jurisdiction. Returns NotFound, Forbidden.
func (s *Service) History(ctx context.Context, by access.Principal, id int64) ([]Change, error) {
	if _, err := s.Household(ctx, by, id); err != nil {
		return nil, err
	}
	return s.Store.History(ctx, id)
}

// memberIndex finds a member by resident ID.
func memberIndex(h Household, idNumber string) int {
	return slices.IndexFunc(h.Members, func(m Member) bool { return m.IDNumber == idNumber })
}

// personHousehold loads the household of a person within by's jurisdiction.
func (s *Service) personHousehold(ctx context.Context, by access.Principal, idNumber string) (Household, int, error) {
	id, err := parseID(idNumber)
	if err != nil {
		return Household{}, 0, apperr.Field("id_number", "身份证号码无效", "invalid resident ID")
	}
	p, err := s.Store.PersonByIDNumber(ctx, id)
	if apperr.Is(err, apperr.NotFound) || (err == nil && (p.HouseholdID == 0 || !by.Covers(p.location()))) {
		return Household{}, 0, apperr.New(apperr.NotFound, "未找到该人员", "person not found")
	}
	if err != nil {
		return Household{}, 0, err
	}
	h, err := s.scoped(ctx, by, p.HouseholdID)
	if err != nil {
		return Household{}, 0, err
	}
	return h, memberIndex(h, id), nil
}

// save writes h as its next version and records the change.
func (s *Service) save(ctx context.Context, by access.Principal, h, before Household, action, reason, summary string) (Household, error) {
	h.Version, h.UpdatedAt = before.Version+1, s.now()
	if err := s.Store.SaveHousehold(ctx, &h, before.Version); err != nil {
		return Household{}, err
	}
	return h, s.changed(ctx, by, &h, &before, action, reason, summary)
}

// RecordDeath records a member's death on date (YYYY-MM-DD). The member
// stays in the household's record and stops counting as a member.
// Returns Invalid, NotFound, Forbidden, Conflict (already recorded).
func (s *Service) RecordDeath(ctx context.Context, by access.Principal, idNumber, date, reason string) (Household, error) {
	if err := validateDetail(&Detail{DeathDate: date}); err != nil || date == "" {
		return Household{}, apperr.Field("date", "死亡日期格式应为 YYYY-MM-DD", "the date must be YYYY-MM-DD")
	}
	if date > s.now().Format("2006-01-02") {
		return Household{}, apperr.Field("date", "死亡日期不能晚于今天", "the date of death cannot be in the future")
	}
	var out Household
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		h, i, err := s.personHousehold(ctx, by, idNumber)
		if err != nil {
			return err
		}
		if h.Members[i].DeathDate != "" {
			return apperr.New(apperr.Conflict, "已登记死亡", "the death is already recorded")
		}
		before := h
		h.Members = slices.Clone(h.Members)
		h.Members[i].DeathDate = date
		if reason == "" {
			reason = "死亡登记"
		}
		out, err = s.save(ctx, by, h, before, "death", reason, h.Members[i].Name+" 于 "+date+" 死亡")
		return err
	})
	return out, err
}

// MoveMember moves a member (not the head) into another household within
// by's jurisdiction, with a new relationship to that household's head.
// Returns Invalid, NotFound, Forbidden, Conflict.
func (s *Service) MoveMember(ctx context.Context, by access.Principal, idNumber string, to int64, relationship, reason string) (Household, error) {
	if err := needReason(reason); err != nil {
		return Household{}, err
	}
	rel := Relationship(relationship)
	if _, ok := relationshipZh[rel]; !ok || rel == Head {
		return Household{}, apperr.Field("relationship", "请选择与新户户主的关系（不能为户主）", "choose the relationship to the new head (not head)")
	}
	var out Household
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		from, i, err := s.personHousehold(ctx, by, idNumber)
		if err != nil {
			return err
		}
		if from.ID == to {
			return apperr.Field("to", "已在该户中", "the member is already in that household")
		}
		m := from.Members[i]
		if m.Relationship == Head {
			return apperr.Field("id_number", "户主不能迁出，请先变更户主", "the head cannot move out; change the head first")
		}
		target, err := s.scoped(ctx, by, to)
		if err != nil {
			return err
		}
		fromBefore, targetBefore := from, target
		from.Members = slices.Delete(slices.Clone(from.Members), i, i+1)
		from.Incomes = dropPerson(from.Incomes, m.PersonID)
		from.Assets = dropAssets(from.Assets, m.PersonID)
		if _, err := s.save(ctx, by, from, fromBefore, "member.out", reason, m.Name+" 迁出至家庭 "+fmt.Sprint(to)); err != nil {
			return err
		}
		m.Relationship = rel
		target.Members = append(slices.Clone(target.Members), m)
		out, err = s.save(ctx, by, target, targetBefore, "member.in", reason, m.Name+" 自家庭 "+fmt.Sprint(from.ID)+" 迁入")
		return err
	})
	return out, err
}

func dropPerson(items []Income, pid int64) []Income {
	return slices.DeleteFunc(slices.Clone(items), func(i Income) bool { return i.PersonID == pid })
}

func dropAssets(items []Asset, pid int64) []Asset {
	return slices.DeleteFunc(slices.Clone(items), func(a Asset) bool { return a.PersonID == pid })
}

// SplitHousehold moves the listed members (not the head) out into a new
// household headed by newHead (one of them), at the same village unless
// village is given. Returns the new household. Returns Invalid, NotFound,
// Forbidden.
func (s *Service) SplitHousehold(ctx context.Context, by access.Principal, id int64, idNumbers []string, newHead, village, address, reason string) (Household, error) {
	if err := needReason(reason); err != nil {
		return Household{}, err
	}
	if len(idNumbers) == 0 {
		return Household{}, apperr.Field("members", "请选择分户的成员", "choose the members who split off")
	}
	var out Household
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		src, err := s.scoped(ctx, by, id)
		if err != nil {
			return err
		}
		before := src
		var moving []Member
		for _, raw := range idNumbers {
			n, err := parseID(raw)
			i := memberIndex(src, n)
			if err != nil || i < 0 {
				return apperr.Field("members", "不是本户成员："+raw, "not a member of this household: "+raw)
			}
			m := src.Members[i]
			if m.Relationship == Head {
				return apperr.Field("members", "原户主不能分出", "the head cannot split off")
			}
			m.Relationship = Other
			if m.IDNumber == newHead {
				m.Relationship = Head
			}
			moving = append(moving, m)
			src.Members = slices.Delete(slices.Clone(src.Members), i, i+1)
		}
		if !slices.ContainsFunc(moving, func(m Member) bool { return m.Relationship == Head }) {
			return apperr.Field("head", "新户户主须为分出的成员之一", "the new head must be one of the members who split off")
		}
		nh := Household{County: src.County, Village: src.Village, Area: src.Area, Address: src.Address,
			Members: moving, Version: 1, CreatedAt: s.now(), UpdatedAt: s.now()}
		if village != "" && village != src.Village {
			v, err := s.validate(NewHousehold{Village: village, Area: string(src.Area), Members: []NewMember{{IDNumber: moving[0].IDNumber, Name: moving[0].Name, Relationship: "head"}}})
			if err != nil {
				return err
			}
			if !by.Covers(v.Village) {
				return apperr.New(apperr.Forbidden, "该村（社区）不在您的管辖范围内", "the village is outside your jurisdiction").WithField("village")
			}
			nh.Village, nh.County = v.Village, v.County
		}
		if address != "" {
			nh.Address = address
		}
		if _, err := s.save(ctx, by, src, before, "split", reason, fmt.Sprintf("分出 %d 人另立新户", len(moving))); err != nil {
			return err
		}
		// The members keep their person records: the new household is
		// created empty and then takes them over.
		empty := nh
		empty.Members = nil
		if err := s.Store.CreateHousehold(ctx, &empty); err != nil {
			return err
		}
		nh.ID = empty.ID
		nh.Version = 2
		if err := s.Store.SaveHousehold(ctx, &nh, 1); err != nil {
			return err
		}
		out = nh
		return s.changed(ctx, by, &nh, nil, "split.new", reason, fmt.Sprintf("由家庭 %d 分户而来", src.ID))
	})
	return out, err
}

// MergeHouseholds moves every member of household from, with its income,
// assets and expenditure, into household into; from keeps its history and
// no members. Merged members' relationship becomes "other" until someone
// sets it. Returns the merged household. Returns Invalid, NotFound,
// Forbidden, Conflict.
func (s *Service) MergeHouseholds(ctx context.Context, by access.Principal, from, into int64, reason string) (Household, error) {
	if err := needReason(reason); err != nil {
		return Household{}, err
	}
	if from == into {
		return Household{}, apperr.Field("into", "不能与自身合户", "a household cannot merge into itself")
	}
	var out Household
	err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
		src, err := s.scoped(ctx, by, from)
		if err != nil {
			return err
		}
		dst, err := s.scoped(ctx, by, into)
		if err != nil {
			return err
		}
		srcBefore, dstBefore := src, dst
		moving := slices.Clone(src.Members)
		for i := range moving {
			moving[i].Relationship = Other
		}
		dst.Members = append(slices.Clone(dst.Members), moving...)
		dst.Incomes = append(slices.Clone(dst.Incomes), src.Incomes...)
		dst.Assets = append(slices.Clone(dst.Assets), src.Assets...)
		dst.Expenditures = append(slices.Clone(dst.Expenditures), src.Expenditures...)
		src.Members, src.Incomes, src.Assets, src.Expenditures = nil, nil, nil, nil
		// The source is emptied first so that its members are free when
		// the target takes them over.
		if _, err := s.save(ctx, by, src, srcBefore, "merge.out", reason, fmt.Sprintf("全部 %d 名成员并入家庭 %d", len(moving), into)); err != nil {
			return err
		}
		for i := range dst.Incomes {
			dst.Incomes[i].ID = 0
		}
		for i := range dst.Assets {
			dst.Assets[i].ID = 0
		}
		out, err = s.save(ctx, by, dst, dstBefore, "merge.in", reason, fmt.Sprintf("家庭 %d 的 %d 名成员并入", from, len(moving)))
		return err
	})
	return out, err
}
