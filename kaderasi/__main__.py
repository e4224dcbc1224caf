from kaderasi.cli import main

main()
