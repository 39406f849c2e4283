locals {
  base    = "sheath"
  numbers = [5, 3, 9, 1]
  users = {
    alice = { admin = true, groups = ["ops", "dev"] }
    bob   = { admin = false, groups = ["dev"] }
  }
  admins     = sort([for name, u in local.users : name if u.admin])
  all_groups = sort(distinct(flatten([for u in values(local.users) : u.groups])))
  rendered   = templatefile("${path.module}/greeting.tftpl", { names = keys(local.users) })
  encoded    = jsonencode({ b = 1, a = [true, null] })
  cidrs      = [for i in range(3) : cidrsubnet("10.0.0.0/16", 8, i)]
  merged     = merge({ a = 1, b = 2 }, { b = 3, c = 4 })
  zipped     = zipmap(["x", "y"], [10, 20])
  formatted  = format("%s has %d users (%.2f%%)", local.base, length(local.users), 100 / 3)
  hashes     = { md5 = md5(local.base), sha = sha256(local.base), b64 = base64encode(local.base) }
  maxmin     = [max(local.numbers...), min(local.numbers...)]
  conditional = length(local.admins) > 0 ? "has admins" : "no admins"
  lookup_default = lookup(local.zipped, "z", -1)
  try_value      = try(local.users.carol.admin, "no carol")
  regex_match    = regex("^(\\w+)-(\\d+)$", "build-42")
  yaml           = yamldecode("a: 1\nb: [x, y]\n")
}

resource "terraform_data" "computed" {
  for_each = toset(local.all_groups)
  input = {
    group   = each.key
    members = sort([for name, u in local.users : name if contains(u.groups, each.key)])
  }
}

resource "terraform_data" "summary" {
  input = {
    admins      = local.admins
    rendered    = local.rendered
    encoded     = local.encoded
    cidrs       = local.cidrs
    merged      = local.merged
    formatted   = local.formatted
    hashes      = local.hashes
    maxmin      = local.maxmin
    conditional = local.conditional
    lookup      = local.lookup_default
    try         = local.try_value
    regex       = local.regex_match
    yaml        = local.yaml
  }
}

output "summary" {
  value = terraform_data.summary.input
}

output "groups" {
  value = { for k, v in terraform_data.computed : k => v.input.members }
}
