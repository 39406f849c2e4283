# Collection functions over partly unknown values (terraform_data.x.id is unknown on the
# first plan): what terraform knows at plan time, sheath must know too.
resource "terraform_data" "x" {
  input = "v"
}
locals {
  u   = terraform_data.x.id
  m   = { a = "A", b = local.u }
  mo  = { a = "A", b = local.u, n = 1 }
  l   = ["A", "z${local.u}", "C"] # "z" keeps sets of it in one order once known
  lk  = ["A", "B"]
  nm  = { a = ["x", "y"], b = ["z${local.u}"] }
  ln  = [1, 2, length(local.u)]
}
output "lookup_known_key" { value = lookup(local.m, "a", "d") }
output "lookup_unknown_key" { value = lookup(local.m, "b", "d") }
output "lookup_missing" { value = lookup(local.m, "z", "d") }
output "lookup_obj" { value = lookup(local.mo, "a", "d") }
output "lookup_obj_missing" { value = lookup(local.mo, "z", "d") }
output "index_map" { value = local.m["a"] }
output "contains_found" { value = contains(local.l, "A") }
output "contains_not" { value = contains(local.l, "Z") }
output "contains_known" { value = contains(local.lk, "A") }
output "keys_m" { value = keys(local.m) }
output "keys_mo" { value = keys(local.mo) }
output "values_m" { value = values(local.m) }
output "length_m" { value = length(local.m) }
output "length_l" { value = length(local.l) }
output "length_u" { value = length(local.u) }
output "try_known" { value = try(local.mo.a, "d") }
output "try_unknown" { value = try(local.mo.b, "d") }
output "try_missing" { value = try(local.mo.zz, "d") }
output "can_u" { value = can(local.u) }
output "can_missing" { value = can(local.mo.zz) }
output "coalesce_first_known" { value = coalesce("A", local.u) }
output "coalesce_first_unknown" { value = coalesce(local.u, "A") }
output "coalesce_empty_then_known" { value = coalesce("", "B", local.u) }
output "coalescelist_known" { value = coalescelist(["A"], [local.u]) }
output "coalescelist_unk" { value = coalescelist([local.u], ["A"]) }
output "merge_m" { value = merge(local.m, { c = "C" }) }
output "merge_lookup" { value = merge(local.m, { c = "C" })["a"] }
output "element_known" { value = element(local.l, 0) }
output "element_unknown" { value = element(local.l, 1) }
output "index_found" { value = index(local.l, "A") }
output "index_after" { value = index(local.l, "C") }
output "flatten_l" { value = flatten([local.l, ["D"]]) }
output "concat_l" { value = concat(local.l, ["D"]) }
output "distinct_l" { value = distinct(local.l) }
output "compact_l" { value = compact(local.l) }
output "reverse_l" { value = reverse(local.l) }
output "slice_l" { value = slice(local.l, 0, 1) }
output "one_l" { value = one([local.u]) }
output "toset_l" { value = toset(local.l) }
output "tolist_l" { value = tolist(local.l) }
output "zipmap_l" { value = zipmap(["a", "b", "c"], local.l) }
output "sort_l" { value = sort(local.l) }
output "setunion_l" { value = setunion(local.l, ["Z"]) }
output "matchkeys_l" { value = matchkeys(local.l, ["a", "b", "c"], ["a"]) }
output "transpose_nm" { value = transpose(local.nm) }
output "sum_ln" { value = sum(local.ln) }
output "alltrue_l" { value = alltrue([true, local.u == "x"]) }
output "alltrue_f" { value = alltrue([false, local.u == "x"]) }
output "anytrue_t" { value = anytrue([true, local.u == "x"]) }
output "join_l" { value = join(",", local.l) }
output "formatlist_l" { value = formatlist("%s!", local.l) }
output "tomap_m" { value = tomap(local.m) }
output "values_mo" { value = values(local.mo) }
output "chunklist_l" { value = chunklist(local.l, 2) }
output "setproduct_l" { value = setproduct(local.lk, local.l) }
output "lookup_nested" { value = lookup(local.nm, "a", []) }
output "keys_nm" { value = keys(local.nm) }
output "for_m" { value = [for k, v in local.m : k] }
output "for_if" { value = { for k, v in local.m : k => v if k == "a" } }
output "splat" { value = [for x in local.l : x][0] }
output "contains_keys" { value = contains(keys(local.m), "a") }
output "length_toset" { value = length(toset(local.l)) }
output "jsonencode_m" { value = jsonencode(local.m) }
output "min_ln" { value = min(local.ln...) }
output "type_cond" { value = local.u == "" ? "empty" : "set" }
output "merge_obj" { value = merge(local.mo, { n = 2 }).a }
output "setsubtract_l" { value = setsubtract(local.l, ["A"]) }
output "setintersection_l" { value = setintersection(local.l, ["A"]) }
output "element_unk_idx" { value = element(local.lk, length(local.u)) }
output "merge_unknown_map" { value = merge(local.m, terraform_data.x.output == "" ? {} : { q = "Q" }) }
output "lookup_unknown_default" { value = lookup(local.m, "zz", local.u) }
output "lookup_obj_unknown_attr" { value = lookup(local.mo, "b", "d") }
output "coalesce_null_unknown" { value = coalesce(null, local.u, "x") }
output "keys_for" { value = keys({ for k, v in local.m : k => v }) }
output "try_unknown_index" { value = try(local.l[3], "d") }
output "length_flatten" { value = length(flatten([local.l, local.lk])) }
output "contains_values" { value = contains(values(local.m), "A") }
output "index_unknown" { value = index(local.l, "z${local.u}") }
output "tostring_u" { value = tostring(local.u) }
output "lookup_merge" { value = lookup(merge(local.m, { c = "C" }), "c", "") }
output "values_nested" { value = values(local.nm) }
output "lookup_marked" { value = lookup(local.m, "a", sensitive("d")) }
