locals {
  upper_names = [for n in var.names: upper(n)]
  name_map = {for n in var.names: n => length(n)}
  filtered = [for i, v in var.values: v if i%2==0]
  grouped = {for u in var.users: u.role => u.name...}
  nested_for = flatten([for k, v in var.map: [for item in v: "${k}-${item}"]])
  multi = {
    for   k,   v in var.things :
    k => v
    if v != null
  }
  tuple_in = [for x in [1, 2, 3]: x*2]
  in_ident = [for x in var.in_list: x]
}
