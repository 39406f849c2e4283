resource "terraform_data" "obj" {
  input = {
    list   = [1, 2, 3]
    map    = { a = "x", b = "y" }
    nested = { deep = { deeper = [true, false] } }
    num    = 3.25
    empty  = []
    nul    = null
  }
}

output "object" {
  value = terraform_data.obj.input
}

output "unknown_until_apply" {
  value = terraform_data.obj.output
}

output "tuple" {
  value = ["a", 1, true, null, { k = "v" }]
}

output "number" {
  value = 12345678901234567890
}

output "fraction" {
  value = 1 / 3
}

output "multiline" {
  value = <<-EOT
    line one
    line two
  EOT
}

output "secret" {
  value     = { password = "hunter2", user = "admin" }
  sensitive = true
}

output "null_value" {
  value = null
}

output "empty_map" {
  value = {}
}

output "set" {
  value = toset(["b", "a", "b"])
}
