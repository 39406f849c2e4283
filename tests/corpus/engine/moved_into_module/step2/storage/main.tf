resource "terraform_data" "db" {
  input = "database"
}

resource "terraform_data" "cache" {
  count = 2
  input = "cache-${count.index}"
}
