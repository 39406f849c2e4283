resource "terraform_data" "a" {
  bogus = 1
}

output "o" {
  value = terraform_data.a.nope
}
