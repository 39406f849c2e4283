locals {
  a = 1
  b = local.a + 1
  c = [for i in range(3) : i * local.b]
  d = { for k, v in { x = 1 } : k => v }
  e = path.module
  f = terraform.workspace
}
output "c" {
  value       = local.c
  description = "computed"
  depends_on  = [terraform_data.r]
  precondition {
    condition     = length(local.c) == 3
    error_message = "three"
  }
}
resource "terraform_data" "r" {
  input = local.d
}
