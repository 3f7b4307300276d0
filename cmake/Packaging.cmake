# The Debian package `lenacare` (issue 18), made by CPack's DEB generator from this same build, so
# the binary that passed the tests is the one packaged:
#   cpack -G DEB --config <build>/CPackConfig.cmake    (writes <build>/package/lenacare_*.deb)
# scripts/package-test builds it, checks it with lintian and installs it. The maintainer scripts,
# the systemd units and the rest are in packaging/.

set(LENACARE_PACKAGING_DIR "${PROJECT_SOURCE_DIR}/packaging")

# Directories in the package are 0755 whatever the umask of whoever runs cpack.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Relative destinations are under the prefix, /usr. The binary finds its data in
# <exe>/../share/lenacare (src/cli/common.cpp, DataDir), so no path is built in for the package.
install(TARGETS lenacare RUNTIME DESTINATION bin)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/knowledge/" DESTINATION share/lenacare/knowledge)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/web/" DESTINATION share/lenacare/web)

# Debian wants these outside /usr: absolute destinations, which the DEB generator keeps.
install(FILES "${LENACARE_PACKAGING_DIR}/lenacare.toml" DESTINATION /etc/lenacare)
install(FILES "${LENACARE_PACKAGING_DIR}/lenacare.logrotate" DESTINATION /etc/logrotate.d RENAME lenacare)
install(FILES "${LENACARE_PACKAGING_DIR}/lenacare.service"
              "${LENACARE_PACKAGING_DIR}/lenacare-backup.service"
              "${LENACARE_PACKAGING_DIR}/lenacare-backup.timer"
        DESTINATION /lib/systemd/system)

# Debian policy 12.7: the changelog compressed with gzip -9n (no name, no time: the same bytes
# every time), made when the package is.
set(LENACARE_CHANGELOG_GZ "${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz")
install(CODE "
  file(MAKE_DIRECTORY \"${PROJECT_BINARY_DIR}/packaging\")
  execute_process(COMMAND gzip -9n -c \"${LENACARE_PACKAGING_DIR}/changelog\"
                  OUTPUT_FILE \"${LENACARE_CHANGELOG_GZ}\" COMMAND_ERROR_IS_FATAL ANY)
")
install(FILES "${LENACARE_PACKAGING_DIR}/copyright" "${LENACARE_CHANGELOG_GZ}" DESTINATION share/doc/lenacare)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lenacare)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/package")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CONTACT "lenacare developers <lenacare@lists.lenacare.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "clinical decision support for lenalidomide (web application)")
# The synopsis is the summary above; CPack puts this text under it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "lenacare helps the treating team with lenalidomide (Revlimid): dose levels for
renal function and toxicity, the REMS pregnancy-prevention steps, monitoring
schedules and response assessment, as a web application for a clinic's staff
and patients, with a REST API, FHIR import and CDS Hooks. It supports, and
never replaces, the judgement of the treating team and the prescribing
information.
.
The package runs the server as the lenacare.service systemd unit under its
own system user, with the settings in /etc/lenacare/lenacare.toml and the
data in /var/lib/lenacare. A daily backup timer is included, disabled.")

set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries come from dpkg-shlibdeps; adduser is for the postinst; the backups of a
# PostgreSQL database need pg_dump and pg_restore.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS postgresql-client)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${LENACARE_PACKAGING_DIR}/postinst" "${LENACARE_PACKAGING_DIR}/prerm"
    "${LENACARE_PACKAGING_DIR}/postrm" "${LENACARE_PACKAGING_DIR}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
