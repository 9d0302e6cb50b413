import rules

from accounts.rules import is_bureau_staff, is_system_admin

rules.add_perm("applications.manage_plans", is_bureau_staff | is_system_admin)
