"""The responsibility matrix and who holds each position — pure core.

Positions (chức danh) are assigned tasks by the plan; officers hold positions for
date ranges, possibly with a scope of areas (two vice-chairmen), as acting holders
(quyền) or by delegation (ủy quyền). This package answers "who is accountable for
this task on this date" and builds the tasks × positions matrix, without storage.
"""
