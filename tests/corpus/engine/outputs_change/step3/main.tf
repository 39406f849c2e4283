resource "terraform_data" "a" {
  input = "a2"
}

output "changes" {
  value = terraform_data.a.output
}

output "added" {
  value = [1, 2, 3]
}

output "secret" {
  value     = "s2"
  sensitive = true
}

output "stable" {
  value = { x = 1 }
}
