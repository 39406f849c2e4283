locals {
  servers = {
    web = { size = 2, tags = ["a", "b"] }
    db  = { size = 8, tags = [] }
    "with space" = { size = 1, tags = ["c"] }
  }
}

resource "terraform_data" "server" {
  for_each = local.servers
  input = {
    name = each.key
    size = each.value.size
    tags = each.value.tags
  }
}

output "names" {
  value = { for k, v in terraform_data.server : k => v.input.name }
}

output "sizes" {
  value = sum([for v in terraform_data.server : v.input.size])
}
