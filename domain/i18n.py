"""User-facing text in Vietnamese (default) and English.

Every message a user reads is looked up here by key, so both languages stay complete
and a test can check that. Keys are grouped by prefix: ``problem.*``/``hint.*`` for
input defects, ``error.*`` for refusals, ``status.*``/``label.*`` for shared words.
The command line's own words live in ``cchc.messages``; the application layer's in
``application.messages``.
"""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

# key: (Vietnamese, English)
CATALOG: dict[str, tuple[str, str]] = {
    # --- problems in files and tables -------------------------------------------------
    "problem.count": ("Tổng cộng {n} lỗi.", "{n} problem(s) in all."),
    "problem.yaml_syntax": ("lỗi cú pháp YAML: {detail}", "YAML syntax error: {detail}"),
    "hint.yaml_syntax": (
        "kiểm tra thụt lề, dấu hai chấm và dấu ngoặc kép",
        "check indentation, colons and quotes",
    ),
    "problem.empty_file": ("tệp rỗng", "the file is empty"),
    "problem.unknown_key": ("khóa không hợp lệ '{key}'", "unknown key '{key}'"),
    "hint.unknown_key": ("các khóa được phép: {allowed}", "allowed here: {allowed}"),
    "problem.missing_key": ("thiếu khóa bắt buộc '{key}'", "required key '{key}' is missing"),
    "problem.duplicate_key": (
        "khóa '{key}' xuất hiện hai lần (lần đầu ở dòng {first})",
        "key '{key}' appears twice (first at line {first})",
    ),
    "problem.wrong_type": (
        "cần {expected}, nhận được {got} ({value})",
        "expected {expected}, got {got} ({value})",
    ),
    "problem.bad_date": ("'{value}' không phải ngày hợp lệ", "'{value}' is not a valid date"),
    "hint.bad_date": (
        "viết theo dạng YYYY-MM-DD, ví dụ 2020-04-10",
        "write YYYY-MM-DD, e.g. 2020-04-10",
    ),
    "problem.bad_time": ("'{value}' không phải giờ hợp lệ", "'{value}' is not a valid time"),
    "hint.bad_time": ("viết theo dạng HH:MM, ví dụ 07:30", "write HH:MM, e.g. 07:30"),
    "problem.bad_enum": ("'{value}' không thuộc các giá trị cho phép", "'{value}' is not allowed"),
    "hint.bad_enum": ("chọn một trong: {allowed}", "use one of: {allowed}"),
    "problem.bad_pattern": (
        "'{value}' không đúng dạng {pattern}",
        "'{value}' does not match {pattern}",
    ),
    "problem.unquoted_number": (
        "{value} được đọc là số; mã có dấu chấm phải đặt trong ngoặc kép",
        "{value} is read as a number; a code with a dot must be quoted",
    ),
    "hint.unquoted_number": ('ví dụ "1.10"', 'e.g. "1.10"'),
    "problem.out_of_range": ("{value} phải {constraint}", "{value} must be {constraint}"),
    "problem.empty_list": ("danh sách không được rỗng", "the list must not be empty"),
    "problem.bad_format": (
        "định dạng phải là '{expected}', nhận được '{value}'",
        "format must be '{expected}', got '{value}'",
    ),
    "hint.bad_format": (
        "dòng đầu tiên của tệp là 'format: {expected}'",
        "the file starts with 'format: {expected}'",
    ),
    "problem.duplicate_code": (
        "mã '{code}' bị trùng (đã có ở dòng {first})",
        "duplicate code '{code}' (first at line {first})",
    ),
    "hint.duplicate_code": ("mỗi mã chỉ được dùng một lần", "each code may appear only once"),
    "problem.unknown_ref": ("{kind} '{code}' không tồn tại", "{kind} '{code}' does not exist"),
    "hint.unknown_ref": ("các mã đã khai báo: {known}", "declared codes: {known}"),
    "problem.cycle": (
        "reports_to tạo thành vòng lặp: {chain}",
        "reports_to forms a cycle: {chain}",
    ),
    "hint.cycle": (
        "chuỗi báo cáo phải dừng ở Chủ tịch (không có reports_to)",
        "the chain must end at the chairman (a role without reports_to)",
    ),
    "problem.sum_mismatch": (
        "điểm tối đa {max} khác tổng của các mục con ({total})",
        "max {max} does not equal the sum of its children ({total})",
    ),
    "hint.sum_mismatch": ("sửa max hoặc điểm của các mục con", "fix max or the children's points"),
    "problem.scale_mismatch": (
        "tổng điểm các lĩnh vực là {total}, khác thang điểm {scale}",
        "the areas add up to {total}, not the scale {scale}",
    ),
    "problem.due_one_of": (
        "cần đúng một trong: working_days, before_end_working_days, month_day, date",
        "give exactly one of: working_days, before_end_working_days, month_day, date",
    ),
    "problem.once_needs_date": (
        "nhiệm vụ 'every: once' cần hạn 'due: {{date: YYYY-MM-DD}}'",
        "'every: once' needs 'due: {{date: YYYY-MM-DD}}'",
    ),
    "problem.date_needs_once": (
        "'due.date' chỉ dùng với 'every: once'",
        "'due.date' is only for 'every: once'",
    ),
    "problem.rrule_needs_rule": (
        "'every: rrule' cần khóa 'rrule'",
        "'every: rrule' needs an 'rrule' key",
    ),
    "problem.rule_needs_rrule_every": (
        "khóa 'rrule' chỉ dùng với 'every: rrule'",
        "'rrule' is only for 'every: rrule'",
    ),
    "problem.bad_rrule": ("RRULE không hợp lệ: {detail}", "invalid RRULE: {detail}"),
    "hint.bad_rrule": (
        "theo RFC 5545, ví dụ FREQ=MONTHLY;BYMONTHDAY=-1",
        "RFC 5545 syntax, e.g. FREQ=MONTHLY;BYMONTHDAY=-1",
    ),
    "problem.date_outside_year": (
        "ngày {value} nằm ngoài năm kế hoạch {year}",
        "{value} is outside the plan year {year}",
    ),
    "problem.start_after_until": (
        "ngày bắt đầu {start} sau ngày kết thúc {until}",
        "start {start} is after until {until}",
    ),
    "problem.bad_timezone": ("múi giờ '{value}' không tồn tại", "unknown time zone '{value}'"),
    "hint.bad_timezone": ("ví dụ Asia/Ho_Chi_Minh", "e.g. Asia/Ho_Chi_Minh"),
    "problem.target_needs_value": (
        "chỉ tiêu đo bằng '{metric}' cần 'op' và 'value'",
        "a target measured by '{metric}' needs 'op' and 'value'",
    ),
    "problem.op_without_value": (
        "'op' và 'value' phải đi cùng nhau",
        "'op' and 'value' go together",
    ),
    "problem.bad_band": ("'{value}' không phải một ngưỡng điểm", "'{value}' is not a band"),
    "hint.bad_band": ('viết ">=98: 2" hoặc "else: 0"', 'write ">=98: 2" or "else: 0"'),
    "problem.band_after_else": (
        "ngưỡng sau 'else' không bao giờ được dùng",
        "a band after 'else' is never reached",
    ),
    "problem.points_over_max": (
        "{points} điểm vượt điểm tối đa {max}",
        "{points} points exceed the maximum {max}",
    ),
    "problem.rule_needs": (
        "quy tắc '{type}' cần khóa '{key}'",
        "rule type '{type}' needs '{key}'",
    ),
    "problem.rule_forbids": (
        "quy tắc '{type}' không dùng khóa '{key}'",
        "rule type '{type}' does not take '{key}'",
    ),
    "problem.input_one_of": (
        "'input' cần đúng một trong: {allowed}",
        "'input' takes exactly one of: {allowed}",
    ),
    "problem.no_framework": (
        "kế hoạch không nêu bộ chỉ số (plan.framework) nên không kiểm tra được mã tiêu chí",
        "the plan names no framework (plan.framework), so criteria codes cannot be checked",
    ),
    "problem.framework_not_found": (
        "không tìm thấy bộ chỉ số '{code}'",
        "framework '{code}' was not found",
    ),
    "hint.framework_not_found": (
        "dùng --framework TỆP hoặc nạp bộ chỉ số trước",
        "pass --framework FILE or load the framework first",
    ),
    "problem.missing_column": (
        "thiếu cột bắt buộc '{column}'",
        "required column '{column}' is missing",
    ),
    "hint.missing_column": ("các cột: {expected}", "columns: {expected}"),
    "problem.bad_cell": (
        "cột {column}: '{value}' không hợp lệ, cần {expected}",
        "column {column}: '{value}' is invalid, expected {expected}",
    ),
    "problem.unknown_position": (
        "cột position: chức danh '{value}' không có trong đơn vị",
        "column position: position '{value}' does not exist in this unit",
    ),
    "problem.end_before_start": (
        "cột to: ngày kết thúc {to} trước ngày bắt đầu {start}",
        "column to: end {to} is before start {start}",
    ),
    "problem.conflicting_officer": (
        "cột name: email {email} đã gắn với tên khác '{other}'",
        "column name: email {email} already belongs to '{other}'",
    ),
    "problem.unreadable": ("không đọc được tệp: {detail}", "cannot read the file: {detail}"),
    "problem.empty_table": ("bảng không có dòng dữ liệu nào", "the table has no data rows"),
    # --- one-stop dossier exports (spec: dossiers.md) ---------------------------------
    "problem.dossier_missing_column": (
        "thiếu cột bắt buộc '{column}'",
        "required column '{column}' is missing",
    ),
    "problem.dossier_bad_cell": (
        "'{value}' không hợp lệ, cần {expected}",
        "'{value}' is invalid, expected {expected}",
    ),
    "problem.dossier_empty_cell": ("ô bắt buộc đang trống", "required cell is empty"),
    "problem.dossier_unknown_unit": (
        "không có đơn vị '{value}'",
        "no unit '{value}'",
    ),
    "hint.dossier_unknown_unit": (
        "nạp kế hoạch của đơn vị trước (cchc plan load) hoặc sửa mã đơn vị",
        "load the unit's plan first (cchc plan load) or correct the unit code",
    ),
    "problem.dossier_other_unit": (
        "hồ sơ của đơn vị '{value}', không phải đơn vị đang nhập '{unit}'",
        "a dossier of unit '{value}', not of the unit being imported '{unit}'",
    ),
    "hint.dossier_other_unit": (
        "bỏ --unit để nhập hồ sơ của mọi đơn vị trong tệp, hoặc lọc tệp theo ma_don_vi",
        "leave out --unit to import every unit's dossiers in the file, or filter it by ma_don_vi",
    ),
    "problem.dossier_appointment_before_received": (
        "ngày hẹn trả {value} trước ngày tiếp nhận {received}",
        "appointment {value} is before the date received {received}",
    ),
    "problem.dossier_returned_before_received": (
        "ngày trả {value} trước ngày tiếp nhận {received}",
        "returned {value} before the date received {received}",
    ),
    "problem.dossier_returned_needs_date": (
        "trang_thai là da_tra nhưng chưa có ngày trả",
        "trang_thai is da_tra but ngay_tra is empty",
    ),
    "problem.dossier_processing_has_return": (
        "trang_thai là dang_xu_ly nhưng đã có ngày trả {value}",
        "trang_thai is dang_xu_ly but ngay_tra is {value}",
    ),
    "problem.dossier_more": ("… và {n} lỗi khác.", "… and {n} more problem(s)."),
    # --- errors -------------------------------------------------------------------------
    "error.unit_not_found": ("Không có đơn vị '{code}'.", "No unit '{code}'."),
    "error.plan_not_found": ("Không có kế hoạch '{code}'.", "No plan '{code}'."),
    "error.no_plan": (
        "Chưa nạp kế hoạch nào. Chạy: cchc plan load TỆP",
        "No plan is loaded. Run: cchc plan load FILE",
    ),
    "error.task_not_found": (
        "Không có nhiệm vụ '{code}' trong kế hoạch {plan}.",
        "No task '{code}' in plan {plan}.",
    ),
    "error.officer_not_found": ("Không có cán bộ '{email}'.", "No officer '{email}'."),
    "error.officer_exists": ("Cán bộ '{email}' đã có.", "Officer '{email}' already exists."),
    "error.position_not_found": (
        "Không có chức danh '{code}' ở đơn vị {unit}.",
        "No position '{code}' in unit {unit}.",
    ),
    "error.assignment_not_found": (
        "{email} không đang giữ chức danh {position} vào ngày {on}.",
        "{email} does not hold {position} on {on}.",
    ),
    "error.ambiguous_unit": (
        "Có nhiều đơn vị ({units}); chọn bằng --unit.",
        "Several units exist ({units}); choose one with --unit.",
    ),
    "error.file_not_found": ("Không tìm thấy tệp {path}.", "File {path} not found."),
    "error.bad_date": (
        "'{value}' không phải ngày (YYYY-MM-DD).",
        "'{value}' is not a date (YYYY-MM-DD).",
    ),
    "error.bad_scope": (
        "Lĩnh vực '{value}' không có trong kế hoạch (có: {known}).",
        "Area '{value}' is not in the plan (known: {known}).",
    ),
    "error.end_before_start": (
        "Ngày kết thúc {end} trước ngày bắt đầu {start}.",
        "End {end} is before start {start}.",
    ),
    "error.unit_mismatch": (
        "Tệp thuộc đơn vị '{file_unit}', nhưng --unit là '{unit}'.",
        "The file belongs to unit '{file_unit}', but --unit is '{unit}'.",
    ),
    "error.framework_not_found": ("Không có bộ chỉ số '{code}'.", "No framework '{code}'."),
    "error.not_migrated": (
        "Cơ sở dữ liệu {url} chưa được khởi tạo hoặc cũ hơn phiên bản này. Chạy: cchc init",
        "The database {url} is not initialised or is older than this version. Run: cchc init",
    ),
    "error.unknown_action": (
        "Không có thao tác '{action}' (có: {allowed}).",
        "No action '{action}' (allowed: {allowed}).",
    ),
    "error.bad_transition": (
        "Không thể '{action}' khi đang ở trạng thái '{status}' (chỉ từ: {allowed}).",
        "Cannot '{action}' an occurrence that is '{status}' (only from: {allowed}).",
    ),
    "error.reason_required": (
        "Thao tác '{action}' cần lý do (--reason).",
        "'{action}' needs a reason (--reason).",
    ),
    "error.occurrence_not_found": (
        "Không có lần thực hiện {code} kỳ {period}.",
        "No occurrence {code} for period {period}.",
    ),
    "error.naive_time": (
        "Thời điểm '{value}' không hợp lệ (ISO, giờ địa phương).",
        "'{value}' is not a valid time (ISO, local time).",
    ),
    "error.runner_running": (
        "Đã có một tiến trình cchc serve chạy trên cơ sở dữ liệu này ({where}).",
        "Another cchc serve is already running on this database ({where}).",
    ),
    "error.message_not_found": ("Không có thư số {id}.", "No message {id}."),
    "error.no_plan_for_year": ("Chưa có kế hoạch năm {year}.", "No plan for {year}."),
    "error.plan_without_framework": (
        "Kế hoạch {plan} không nêu bộ chỉ số (plan.framework).",
        "Plan {plan} names no framework (plan.framework).",
    ),
    "error.assessment_frozen": (
        "Bản tự đánh giá năm {year} đã nộp và bị khóa; Chủ tịch có thể mở lại: cchc par reopen --year {year} --reason …",
        "The {year} self-assessment is submitted and frozen; the chairman may reopen it: cchc par reopen --year {year} --reason …",
    ),
    "error.assessment_not_submitted": (
        "Bản tự đánh giá năm {year} chưa nộp nên không cần mở lại.",
        "The {year} self-assessment is not submitted; there is nothing to reopen.",
    ),
    "error.audit_entry_not_found": (
        "Không có mục nhật ký số {id}. (Hint: xem các số bằng `cchc audit list`)",
        "No audit log entry {id}. (Hint: see the ids with `cchc audit list`)",
    ),
    "error.bad_limit": (
        "Số mục tối đa phải lớn hơn 0 (nhận được {limit}).",
        "The limit must be at least 1 (got {limit}).",
    ),
    "error.item_not_found": (
        "Không có tiêu chí thành phần '{item}' trong bộ chỉ số {framework}.",
        "No item '{item}' in framework {framework}.",
    ),
    "error.score_out_of_range": (
        "Điểm {value} của {item} phải từ 0 đến {max}.",
        "Score {value} for {item} must be between 0 and {max}.",
    ),
    "error.survey_not_self": (
        "{item} được chấm qua điều tra xã hội học, không tự chấm; dùng --survey.",
        "{item} is scored by survey, never self-scored; use --survey.",
    ),
    "error.bad_level": (
        "Mức '{level}' không có ở {item} (có: {allowed}).",
        "No level '{level}' for {item} (allowed: {allowed}).",
    ),
    "error.audit_broken": (
        "Nhật ký thay đổi bị sửa: {n} chỗ không khớp.",
        "The audit log was tampered with: {n} break(s).",
    ),
    "error.database": ("Lỗi cơ sở dữ liệu: {detail}", "Database error: {detail}"),
    # --- command line ---------------------------------------------------------------------
    "label.vacant": ("(chưa có người giữ)", "(vacant)"),
    "day.holiday": ("nghỉ lễ", "public holiday"),
    "day.override": ("nghỉ thêm", "extra day off"),
    "day.make_up": ("làm bù", "make-up working day"),
    "label.date": ("Ngày", "Date"),
    "label.day_kind": ("Loại", "Kind"),
    "label.reason": ("Căn cứ", "Reason"),
    "status.open": ("chưa thực hiện", "open"),
    "status.in_progress": ("đang thực hiện", "in progress"),
    "status.submitted": ("đã nộp", "submitted"),
    "status.accepted": ("đã chấp nhận", "accepted"),
    "status.returned": ("bị trả lại", "returned"),
    "status.waived": ("được miễn", "waived"),
    "status.cancelled": ("đã hủy", "cancelled"),
    "label.period": ("Kỳ", "Period"),
    "label.due": ("Hạn", "Due"),
    "label.status": ("Trạng thái", "Status"),
    "label.kind": ("Loại", "Kind"),
    "label.recipient": ("Người nhận", "Recipient"),
    "label.subject": ("Tiêu đề", "Subject"),
    "label.attempts": ("Số lần", "Attempts"),
    "grade.xuat_sac": ("Xuất sắc", "Excellent"),
    "grade.tot": ("Tốt", "Good"),
    "grade.kha": ("Khá", "Fair"),
    "grade.trung_binh": ("Trung bình", "Average"),
    "grade.yeu": ("Yếu", "Weak"),
    "kind.holder": ("giữ chức danh", "holder"),
    "kind.acting": ("quyền", "acting"),
    "kind.delegate": ("ủy quyền", "delegate"),
    "relation.lead": ("Chủ trì", "Lead"),
    "relation.support": ("Phối hợp", "Support"),
    "relation.approver": ("Phê duyệt", "Approver"),
    "label.unit": ("Đơn vị", "Unit"),
    "label.code": ("Mã", "Code"),
    "label.year": ("Năm", "Year"),
    "label.title": ("Tên", "Title"),
    "label.target": ("Chỉ tiêu", "Target"),
    "label.formula": ("Mức", "Level"),
    "label.owner": ("Phụ trách", "Owner"),
    "label.area": ("Lĩnh vực", "Area"),
    "label.tasks": ("Nhiệm vụ", "Tasks"),
    "label.task": ("Nhiệm vụ", "Task"),
    "label.max": ("Điểm tối đa", "Max"),
    "label.name": ("Họ tên", "Name"),
    "label.email": ("Email", "Email"),
    "label.phone": ("Điện thoại", "Phone"),
    "label.positions": ("Chức danh", "Positions"),
    "label.relation": ("Vai trò", "Role"),
    "label.position": ("Chức danh", "Position"),
    "label.officers": ("Cán bộ", "Officers"),
    # --- evidence (tài liệu kiểm chứng) ------------------------------------------------
    "problem.evidence_too_large": (
        "tệp '{name}' nặng {size}, vượt giới hạn {limit} "
        "(Hint: nén hoặc tách tệp; giới hạn đặt bằng CCHC_EVIDENCE_MAX_MB)",
        "file '{name}' is {size}, over the {limit} limit "
        "(Hint: compress or split the file; the limit is set by CCHC_EVIDENCE_MAX_MB)",
    ),
    "problem.evidence_type_refused": (
        "tệp '{name}' có nội dung kiểu '{detected}', không thuộc các kiểu cho phép "
        "(Hint: kiểu được nhận theo nội dung tệp, không theo đuôi tên; cho phép: {allowed})",
        "file '{name}' contains '{detected}', which is not an allowed type "
        "(Hint: the type is read from the content, not the name; allowed: {allowed})",
    ),
    "error.evidence_refused": (
        "Không nhận tài liệu kiểm chứng ({n} lỗi, không tệp nào được lưu):",
        "Evidence refused ({n} problem(s), no file was stored):",
    ),
    "error.evidence_unknown_requirement": (
        "Nhiệm vụ {task} không có tài liệu kiểm chứng '{given}'. Các tài liệu yêu cầu: {known}. "
        "(Hint: ghi đúng tên, số thứ tự 1, 2, … hoặc một phần tên chỉ khớp một tài liệu.)",
        "Task {task} has no evidence requirement '{given}'. Its requirements: {known}. "
        "(Hint: give the exact name, its number 1, 2, … or part of exactly one name.)",
    ),
    "error.evidence_missing": (
        "Chưa thể nộp {task} kỳ {period}: còn thiếu {n} tài liệu kiểm chứng: {missing}. "
        "(Hint: tải lên bằng 'cchc evidence add FILE --task {task} --period {period} "
        "--requirement N', hoặc nộp kèm --reason giải thích.)",
        "Cannot submit {task} {period}: {n} required evidence document(s) missing: {missing}. "
        "(Hint: upload with 'cchc evidence add FILE --task {task} --period {period} "
        "--requirement N', or submit with a --reason.)",
    ),
    "error.evidence_not_found": (
        "Không có tài liệu kiểm chứng số {id}.",
        "No evidence record {id}.",
    ),
    "error.evidence_already": (
        "Tài liệu kiểm chứng số {id} đã ở trạng thái '{status}'.",
        "Evidence record {id} is already '{status}'.",
    ),
    "error.evidence_reason_required": (
        "Cần ghi lý do khi trả lại tài liệu kiểm chứng (--reason).",
        "A reason is required to reject evidence (--reason).",
    ),
    "error.evidence_file_changed": (
        "Tệp {name} thay đổi trong lúc tải lên; hãy thử lại.",
        "File {name} changed while it was being stored; try again.",
    ),
    "error.evidence_bad_by": (
        "Không nhóm được theo '{by}'; chọn một trong: {allowed}.",
        "Cannot group by '{by}'; use one of: {allowed}.",
    ),
    "label.total": ("Tổng", "Total"),
    # --- who may do what (responsibilities.policy) -------------------------------------
    "action.occurrence.start": ("bắt đầu thực hiện", "start"),
    "action.occurrence.submit": ("nộp kết quả", "submit"),
    "action.occurrence.accept": ("chấp nhận kết quả", "accept"),
    "action.occurrence.return": ("trả lại kết quả", "return"),
    "action.occurrence.waive": ("miễn thực hiện", "waive"),
    "action.evidence.upload": ("tải lên tài liệu kiểm chứng", "upload evidence for"),
    "action.evidence.accept": ("chấp nhận tài liệu kiểm chứng", "accept the evidence of"),
    "action.evidence.reject": ("trả lại tài liệu kiểm chứng", "reject the evidence of"),
    "action.par.edit": ("sửa bản tự đánh giá Chỉ số CCHC", "change the PAR self-assessment"),
    "action.par.submit": ("nộp bản tự đánh giá Chỉ số CCHC", "submit the PAR self-assessment"),
    "action.par.reopen": ("mở lại bản tự đánh giá Chỉ số CCHC", "reopen the PAR self-assessment"),
    "action.measure.set": ("ghi số liệu chỉ tiêu", "record a measurement"),
    "action.dossier.import": ("nhập hồ sơ một cửa", "import one-stop dossiers"),
    "action.dossier.apology": ("lập phiếu xin lỗi", "issue an apology slip"),
    "action.plan.load": ("nạp kế hoạch", "load a plan"),
    "action.framework.load": ("nạp bộ tiêu chí", "load a framework"),
    "action.people.edit": ("sửa danh sách cán bộ và phân công", "change the roster and holdings"),
    "action.calendar.edit": ("sửa lịch ngày làm việc", "change the working-day calendar"),
    "action.contact.edit": (
        "sửa thông tin liên lạc của cán bộ khác",
        "change another officer's contacts",
    ),
    "action.outbox.retry": ("gửi lại thư", "retry messages"),
    "action.audit.read": ("xem nhật ký thay đổi", "read the audit log"),
    "action.job.materialise": ("tạo các lần thực hiện", "materialise occurrences"),
    "action.job.remind": ("chạy quét nhắc việc", "run the reminder sweep"),
    "action.job.digest": ("gửi thư tổng hợp", "send digests"),
    "action.job.deliver": ("gửi thư trong hộp thư đi", "deliver the outbox"),
    "refused.unknown_identity": (
        "Không được phép: '{actor}' không phải cán bộ của đơn vị nên không được {verb} {task}. (Hint: dùng --as với email trong `cchc officer list`)",
        "Not allowed: '{actor}' is no officer of this unit and may not {verb} {task}. (Hint: use --as with an email from `cchc officer list`)",
    ),
    "refused.operator_not_officer": (
        "Không được phép: người vận hành hệ thống không được {verb} {task} thay cán bộ. (Hint: cán bộ có thẩm quyền tự làm, với --as EMAIL)",
        "Not allowed: the operator may not {verb} {task} in an officer's name. (Hint: the officer who may does it, with --as EMAIL)",
    ),
    "refused.scheduler_only_jobs": (
        "Không được phép: tiến trình lập lịch chỉ chạy các công việc định kỳ.",
        "Not allowed: the scheduler only runs the periodic jobs.",
    ),
    "refused.no_position": (
        "Không được phép: {actor} không giữ chức danh nào ngày {on} nên không được {verb} {task}.",
        "Not allowed: {actor} holds no position on {on} and may not {verb} {task}.",
    ),
    "refused.lead": (
        "Không được phép: chỉ {who} (chủ trì {task}) được {verb}; {actor} không giữ chức danh này ngày {on}.",
        "Not allowed: only {who} (the lead of {task}) may {verb} it; {actor} does not hold that position on {on}.",
    ),
    "refused.lead_or_support": (
        "Không được phép: chỉ {who} (chủ trì hoặc phối hợp {task}) được {verb}; {actor} không giữ các chức danh này ngày {on}.",
        "Not allowed: only {who} (leading or supporting {task}) may {verb} it; {actor} holds none of these positions on {on}.",
    ),
    "refused.approver_or_chairman": (
        "Không được phép: chỉ người phê duyệt {task} — {who} — được {verb}; {actor} không giữ chức danh này ngày {on}.",
        "Not allowed: only the approver of {task} — {who} — may {verb} it; {actor} does not hold that position on {on}.",
    ),
    "refused.not_own_work": (
        "Không được phép: {actor} không được tự {verb} {task}; người phê duyệt — {who} — phải là người khác.",
        "Not allowed: {actor} may not {verb} {task} themself; the approver — {who} — must be someone else.",
    ),
    "refused.conflict": (
        "{name} đã nộp hoặc tải lên kết quả này.",
        "{name} submitted or uploaded it.",
    ),
    "refused.chairman": (
        "Không được phép: chỉ {who} (hoặc người được giao quyền) được {verb} {task}; {actor} không giữ chức danh này ngày {on}.",
        "Not allowed: only {who} (or whoever acts for them) may {verb} {task}; {actor} does not hold that position on {on}.",
    ),
    "refused.cchc_officer_or_chairman": (
        "Không được phép: chỉ {who} được {verb}; {actor} không giữ các chức danh này ngày {on}.",
        "Not allowed: only {who} may {verb}; {actor} holds neither position on {on}.",
    ),
    "refused.measure": (
        "Không được phép: chỉ {who} được {verb} {task}; {actor} không giữ các chức danh này ngày {on}.",
        "Not allowed: only {who} may {verb} {task}; {actor} holds none of these positions on {on}.",
    ),
    "refused.one_stop": (
        "Không được phép: chỉ {who} được {verb}; {actor} không giữ các chức danh này ngày {on}.",
        "Not allowed: only {who} may {verb}; {actor} holds none of these positions on {on}.",
    ),
    "refused.administrator": (
        "Không được phép: chỉ {who} hoặc người vận hành hệ thống được {verb}; {actor} không giữ các chức danh này ngày {on}.",
        "Not allowed: only {who} or the installation's operator may {verb}; {actor} holds neither position on {on}.",
    ),
    "refused.for_area": ("{title} phụ trách lĩnh vực {area}", "{title} for area {area}"),
    "refused.or": (" hoặc ", " or "),
    "error.bad_status": (
        "Không có trạng thái '{status}'; chọn một trong: {allowed}.",
        "No status '{status}'; use one of: {allowed}.",
    ),
    "error.dossier_not_found": ("Không có hồ sơ '{id}'.", "No dossier '{id}'."),
    # --- issue 9: one-stop dossier figures ---
    "problem.dossier_ready_before_received": (
        "ngày có kết quả {value} trước ngày tiếp nhận {received}",
        "result ready {value} before the date received {received}",
    ),
    "problem.procedure_missing_column": (
        "thiếu cột bắt buộc '{column}'",
        "required column '{column}' is missing",
    ),
    "hint.procedure_missing_column": (
        "danh mục thủ tục có các cột {expected}",
        "a catalogue has the columns {expected}",
    ),
    "problem.procedure_empty_cell": ("ô bắt buộc đang trống", "required cell is empty"),
    "hint.procedure_empty_cell": (
        "mỗi thủ tục cần ma_thu_tuc, ten_thu_tuc, linh_vuc và muc_do",
        "every procedure needs ma_thu_tuc, ten_thu_tuc, linh_vuc and muc_do",
    ),
    "problem.procedure_too_long": (
        "'{value}' dài quá {max} ký tự",
        "'{value}' is longer than {max} characters",
    ),
    "hint.procedure_too_long": (
        "ghi mã, không ghi mô tả; tên thủ tục đầy đủ đặt ở cột ten_thu_tuc",
        "give the code, not a description; the full name goes in ten_thu_tuc",
    ),
    "problem.procedure_bad_level": (
        "'{value}' không hợp lệ, cần {expected}",
        "'{value}' is invalid, expected {expected}",
    ),
    "hint.procedure_bad_level": (
        "mức độ dịch vụ công trực tuyến: 2 = chỉ cung cấp thông tin, 3 = một phần trực tuyến, "
        "4 = toàn trình",
        "the level of online public service: 2 = information only, 3 = partly online, "
        "4 = fully online",
    ),
    "problem.procedure_repeated": (
        "thủ tục '{value}' đã có ở dòng {first}",
        "procedure '{value}' is already on row {first}",
    ),
    "hint.procedure_repeated": (
        "mỗi thủ tục một dòng: bỏ dòng lặp hoặc sửa mã",
        "one row per procedure: remove the repeated row or correct its code",
    ),
    "error.apology_returned": (
        "Hồ sơ '{id}' đã trả kết quả ngày {returned}: không lập phiếu xin lỗi cho hồ sơ đã trả.",
        "Dossier '{id}' was returned on {returned}: no apology slip for a dossier already "
        "returned.",
    ),
    "error.apology_closed": (
        "Hồ sơ '{id}' có trạng thái {status} (rút hoặc từ chối): không lập phiếu xin lỗi.",
        "Dossier '{id}' is {status} (withdrawn or refused): no apology slip.",
    ),
    "error.apology_new_appointment": (
        "Ngày hẹn lại {new} phải sau ngày hẹn trả {appointment} của hồ sơ '{id}'.",
        "The new appointment {new} must be after the appointment {appointment} of dossier '{id}'.",
    ),
    "error.apology_new_before_slip": (
        "Ngày hẹn lại {new} phải sau ngày lập phiếu {date}.",
        "The new appointment {new} must be after the slip's date {date}.",
    ),
    "error.apology_date_future": (
        "Ngày lập phiếu {date} ở sau hôm nay ({today}).",
        "The slip's date {date} is after today ({today}).",
    ),
    "error.apology_date_before_received": (
        "Ngày lập phiếu {date} trước ngày tiếp nhận {received} của hồ sơ '{id}'.",
        "The slip's date {date} is before dossier '{id}' was received ({received}).",
    ),
}


class MissingMessage(KeyError):
    """A message key that no catalogue holds (raised only when ``CCHC_STRICT_MESSAGES=1``)."""


def lookup(pair: tuple[str, str], lang: Lang, params: dict[str, Any]) -> str:
    """Format one catalogue entry in ``lang``."""
    template = pair[0] if lang == "vi" else pair[1]
    return template.format(**params) if params else template.replace("{{", "{").replace("}}", "}")


def missing(key: str) -> str:
    """What an unknown key prints: the key itself, or an error when messages are strict.

    The test suite sets ``CCHC_STRICT_MESSAGES=1`` (inherited by the processes it starts),
    so a key missing from every catalogue fails a test instead of reaching a user.
    """
    import os

    if os.environ.get("CCHC_STRICT_MESSAGES") == "1":
        raise MissingMessage(key)
    return key


def has(key: str) -> bool:
    return key in CATALOG


def t(key: str, lang: Lang = "vi", /, **params: Any) -> str:
    """The core text for ``key`` in ``lang``, formatted with ``params``."""
    pair = CATALOG.get(key)
    if pair is None:
        return missing(key)
    return lookup(pair, lang, params)


def normalize_lang(value: str | None) -> Lang:
    """``vi`` unless the user asked for English (``en``, ``en_US.UTF-8`` …)."""
    return "en" if value and value.lower().startswith("en") else "vi"
