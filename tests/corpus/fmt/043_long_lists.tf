locals {
  ports = [22, 80, 443, 8080, 8443, 9000, 9090, 3000, 5432, 6379, 27017, 11211, 5672, 15672, 2181, 9092]
  users = [
    {name = "alice", role = "admin", groups = ["a", "b"]},
    {name = "bob",   role = "dev",   groups = ["b"]},
    {
      name = "carol"
      role = "ops"
      groups = []
    },
  ]
  matrix = [[1,2,3],[4,5,6],[7,8,9]]
}
