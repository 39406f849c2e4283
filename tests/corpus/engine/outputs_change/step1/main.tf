resource "terraform_data" "a" {
  input = "a1"
}

output "changes" {
  value = terraform_data.a.input
}

output "removed_later" {
  value = "bye"
}

output "secret" {
  value     = "s1"
  sensitive = true
}

output "stable" {
  value = { x = 1 }
}
