resource "terraform_data" "a" {
  count = "abc"
}
