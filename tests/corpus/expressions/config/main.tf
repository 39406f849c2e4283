# Configuration loaded by `config_*.txt` corpus expressions (console evaluates
# against it). Uses only terraform_data, so no provider installation is needed.

variable "name" {
  type    = string
  default = "world"
}

variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

variable "ports" {
  type    = list(number)
  default = [80, 443, 8080]
}

variable "settings" {
  type = object({
    enabled = bool
    size    = optional(number, 10)
    label   = optional(string)
    tags    = optional(map(string), {})
  })
  default = {
    enabled = true
  }
}

variable "zones" {
  type    = set(string)
  default = ["b", "a", "c"]
}

variable "nullable_default" {
  type    = string
  default = null
}

locals {
  greeting = "hello ${var.name}"
  nums     = [1, 2, 3]
  by_name = {
    alpha = { size = 1, tags = ["x"] }
    beta  = { size = 2, tags = [] }
  }
  users = [
    { name = "ann", role = "admin" },
    { name = "bob", role = "dev" },
    { name = "cid", role = "dev" },
  ]
  secret_len = length(var.secret)

  # Templates for templatestring(), which only accepts a direct reference.
  tpl_hello   = "Hello, $${name}!"
  tpl_loop    = "%%{for i in items}<$${i}>%%{endfor}"
  tpl_missing = "$${absent}"
  tpl_broken  = "$${"
  tpl_file    = file("${path.module}/t.tftpl")
  not_a_tpl   = 42
  tpl_map = {
    a = "A=$${v}"
  }
}

resource "terraform_data" "single" {
  input = local.greeting
}

resource "terraform_data" "counted" {
  count = 2
  input = "item-${count.index}"
}

resource "terraform_data" "each" {
  for_each = local.by_name
  input    = each.value.size
}

output "greeting" {
  value = local.greeting
}
