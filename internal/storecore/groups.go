package storecore

import (
	"fmt"
	"strconv"
	"strings"

	"tian"
)

// CloneGroups copies groups, members included, so that a save may
// trim and number them without touching the caller's.
func CloneGroups(groups []tian.CuratedGroup) []tian.CuratedGroup {
	out := make([]tian.CuratedGroup, len(groups))
	for i, g := range groups {
		g.Members = append([]string(nil), g.Members...)
		out[i] = g
	}
	return out
}

// GroupMembers is every member number of groups, trimmed, for reading
// their proposals before tian.CheckGroups.
func GroupMembers(groups []tian.CuratedGroup) []string {
	var numbers []string
	for _, g := range groups {
		for _, n := range g.Members {
			numbers = append(numbers, strings.TrimSpace(n))
		}
	}
	return numbers
}

// AssignIDs gives each new group the next free ID of the year, "2024-7",
// never one a group of the year had before (stored: the year's IDs as
// stored).
func AssignIDs(year int, groups []tian.CuratedGroup, stored []string) {
	next := 0
	seen := func(id string) {
		if n, ok := strings.CutPrefix(id, strconv.Itoa(year)+"-"); ok {
			if k, err := strconv.Atoi(n); err == nil && k > next {
				next = k
			}
		}
	}
	for _, g := range groups {
		seen(g.ID)
	}
	for _, id := range stored {
		seen(id)
	}
	for i := range groups {
		if groups[i].ID == "" {
			next++
			groups[i].ID = fmt.Sprintf("%d-%d", year, next)
		}
	}
}

// StaleGroups refuses a save or confirmation of a year at a version
// that is no longer stored.
func StaleGroups(year, stored, expected int) error {
	return tian.Errorf(tian.ECONFLICT, "%d年的并案分组已被修改（现为第%d版，您的页面基于第%d版）：请重新载入后再改", year, stored, expected)
}

// GroupsNotSaved is what reading a year never saved hears.
func GroupsNotSaved(year int) error {
	return tian.Errorf(tian.ENOTFOUND, "%d年的并案分组尚未保存", year)
}

// GroupsNotConfirmable is what confirming a year never saved hears.
func GroupsNotConfirmable(year int) error {
	return tian.Errorf(tian.ENOTFOUND, "%d年的并案分组尚未保存，无法确认：请先保存", year)
}

// NotInGroup is what GroupOf of an ungrouped proposal hears.
func NotInGroup(number string) error {
	return tian.Errorf(tian.ENOTFOUND, "提案 %s 不在任何已保存的并案分组中", number)
}

// NoTuning is what reading a tuning never stored hears.
func NoTuning() error {
	return tian.Errorf(tian.ENOTFOUND, "分组阈值尚未据已确认的分组调整")
}

// SaveDetail is the audit detail of a save of groups as version.
func SaveDetail(version int, groups []tian.CuratedGroup) string {
	members := 0
	for _, g := range groups {
		members += len(g.Members)
	}
	return fmt.Sprintf("第%d版：%d组，%d件提案", version, len(groups), members)
}

// ConfirmDetail is the audit detail of a confirmation as version.
func ConfirmDetail(version, groups int) string {
	return fmt.Sprintf("第%d版：%d组", version, groups)
}

// TuningDetail is the audit detail of a stored tuning.
func TuningDetail(t tian.GroupTuning) string {
	years := make([]string, len(t.Years))
	for i, y := range t.Years {
		years[i] = strconv.Itoa(y)
	}
	return fmt.Sprintf("阈值 %.2f → %.2f（%s年，F1 %.3f → %.3f）", t.Previous, t.Threshold, strings.Join(years, "、"), t.PreviousF1, t.F1)
}
